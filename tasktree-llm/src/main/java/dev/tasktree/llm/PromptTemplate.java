package dev.tasktree.llm;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A message template with {@code {{name}}} placeholders (dotted paths allowed: {@code
 * {{user.name}}}) filled from the blackboard: a Map key, a record component, a {@code getName()} or
 * {@code name()} method, or a field (any visibility). A missing property fails the node with a
 * message naming it. Parsed once; thread-safe.
 */
final class PromptTemplate {

  private final String source;
  private final List<String> literals = new ArrayList<>();
  private final List<String[]> paths = new ArrayList<>();

  PromptTemplate(String source) {
    this.source = source;
    int at = 0;
    while (true) {
      int open = source.indexOf("{{", at);
      if (open < 0) {
        literals.add(source.substring(at));
        return;
      }
      int close = source.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{{' at " + open + " in template: " + source);
      }
      String path = source.substring(open + 2, close).trim();
      if (path.isEmpty()) {
        throw new IllegalArgumentException("empty '{{}}' at " + open + " in template: " + source);
      }
      literals.add(source.substring(at, open));
      paths.add(path.split("\\."));
      at = close + 2;
    }
  }

  String render(Object blackboard) {
    StringBuilder out = new StringBuilder(source.length() + 64);
    for (int i = 0; i < paths.size(); i++) {
      out.append(literals.get(i));
      Object value = blackboard;
      for (String part : paths.get(i)) {
        value = property(value, part, String.join(".", paths.get(i)));
      }
      out.append(value);
    }
    out.append(literals.get(paths.size()));
    return out.toString();
  }

  private static Object property(Object target, String name, String path) {
    if (target == null) {
      throw new IllegalArgumentException(
          "template placeholder {{" + path + "}}: null before '" + name + "'");
    }
    if (target instanceof Map<?, ?> map) {
      if (!map.containsKey(name)) {
        throw new IllegalArgumentException(
            "template placeholder {{" + path + "}}: no key '" + name + "' in the map");
      }
      return map.get(name);
    }
    Class<?> type = target.getClass();
    String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (String candidate : new String[] {name, getter}) {
        Method m;
        try {
          m = c.getDeclaredMethod(candidate);
        } catch (NoSuchMethodException e) {
          continue;
        }
        if (Modifier.isStatic(m.getModifiers()) || m.getReturnType() == void.class) {
          continue;
        }
        try {
          m.setAccessible(true);
          return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalArgumentException(
              "template placeholder {{" + path + "}}: reading '" + name + "' failed: " + e, e);
        }
      }
      try {
        Field f = c.getDeclaredField(name);
        if (!Modifier.isStatic(f.getModifiers())) {
          f.setAccessible(true);
          return f.get(target);
        }
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(
            "template placeholder {{" + path + "}}: reading '" + name + "' failed: " + e, e);
      }
    }
    throw new IllegalArgumentException(
        "template placeholder {{"
            + path
            + "}}: "
            + type.getSimpleName()
            + " has no property '"
            + name
            + "'");
  }

  @Override
  public String toString() {
    return source;
  }
}
