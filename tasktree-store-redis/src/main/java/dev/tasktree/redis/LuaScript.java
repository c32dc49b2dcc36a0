package dev.tasktree.redis;

import dev.tasktree.store.StoreException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script shipped as a resource of this module, run with {@code EVALSHA} (one round trip, no
 * script text on the wire) and sent in full with {@code EVAL} only when the server does not know it
 * yet (first use, or after a restart or {@code SCRIPT FLUSH}).
 */
final class LuaScript {

  private final String name;
  private final String text;
  private final String sha;

  private LuaScript(String name, String text) {
    this.name = name;
    this.text = text;
    this.sha = sha1(text);
  }

  /** The script {@code dev/tasktree/redis/<name>} from the class path. */
  static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script; the reply's Lua table becomes a list, a number a Long. */
  <T> T run(Commands commands, String what, ScriptOutputType type, String[] keys, String... args) {
    try {
      return commands.call(what, c -> c.<T>evalsha(sha, type, keys, args));
    } catch (StoreException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      return commands.call(what, c -> c.<T>eval(text, type, keys, args));
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
