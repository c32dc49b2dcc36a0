package dev.tasktree.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.Decision;
import java.time.Instant;

/**
 * The deciding process of {@link CrossProcessApprovalTest}: {@code URL PREFIX KEY approve|reject
 * COMMENT [VALUE_JSON]} delivers one decision on approval KEY through a {@link RedisStore}, prints
 * {@code DELIVERED} and exits.
 */
public final class ApprovalChild {

  private ApprovalChild() {}

  public static void main(String[] args) throws Exception {
    try (RedisStore store = RedisStore.builder(args[0]).keyPrefix(args[1]).build()) {
      boolean approved = args[3].equals("approve");
      var value = args.length > 5 ? new ObjectMapper().readTree(args[5]) : null;
      new Decision(approved, args[4], value, "child-jvm", Instant.now()).deliver(store, args[2]);
    }
    System.out.println("DELIVERED");
    System.out.flush();
    System.exit(0);
  }
}
