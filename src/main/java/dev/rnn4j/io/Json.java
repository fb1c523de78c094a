package dev.rnn4j.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON (RFC 8259) writer and parser for headers and configuration files.
 *
 * <p>Values map to Java as: object ↔ {@code Map<String, Object>} (parsed as an insertion-ordered,
 * unmodifiable map), array ↔ {@code List<Object>} (unmodifiable), string ↔ {@link String}, number ↔
 * {@link Long} when it is an integer without fraction or exponent that fits in a long, else {@link
 * Double}; {@code true}/{@code false} ↔ {@link Boolean}; {@code null} ↔ {@code null}. The writer
 * also accepts {@link Integer}, {@link Float}, {@link Short} and {@link Byte}, and any {@link Map}
 * with string keys or {@link List}.
 *
 * <p>The parser is strict: duplicate keys, trailing commas, trailing content, leading zeros, NaN,
 * control characters inside strings and nesting deeper than {@value #MAX_DEPTH} are rejected with
 * an {@link IllegalArgumentException} that names the character offset.
 *
 * <p>Thread-safety: stateless; all methods may be called from any thread.
 */
public final class Json {
  /** Maximum nesting of arrays and objects accepted by the parser. */
  public static final int MAX_DEPTH = 64;

  private Json() {}

  // ---------------------------------------------------------------- writing

  /**
   * Compact JSON text for {@code value} (no whitespace); map entries keep their iteration order.
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    writeValue(sb, value, -1, 0);
    return sb.toString();
  }

  /** Like {@link #write} but indented by two spaces per level, for files people read. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    writeValue(sb, value, 2, 0);
    return sb.append('\n').toString();
  }

  private static void writeValue(StringBuilder sb, Object v, int indent, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "JSON value nests deeper than " + MAX_DEPTH + " levels (is there a cycle?)");
    }
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      writeString(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON cannot represent the number " + d);
      }
      sb.append(v instanceof Float f ? Float.toString(f) : Double.toString(d));
    } else if (v instanceof Map<?, ?> m) {
      writeObject(sb, m, indent, depth);
    } else if (v instanceof List<?> list) {
      writeArray(sb, list, indent, depth);
    } else {
      throw new IllegalArgumentException(
          "cannot write a "
              + v.getClass().getName()
              + " as JSON; use String, Long, Double, Boolean, Map, List or null");
    }
  }

  private static void writeObject(StringBuilder sb, Map<?, ?> m, int indent, int depth) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            "JSON object keys must be strings, got " + e.getKey() + " in " + m.keySet());
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      newline(sb, indent, depth + 1);
      writeString(sb, key);
      sb.append(indent >= 0 ? ": " : ":");
      writeValue(sb, e.getValue(), indent, depth + 1);
    }
    if (!first) {
      newline(sb, indent, depth);
    }
    sb.append('}');
  }

  private static void writeArray(StringBuilder sb, List<?> list, int indent, int depth) {
    sb.append('[');
    // Arrays of scalars (shapes, offsets) stay on one line even when pretty-printing.
    boolean nested = list.stream().anyMatch(x -> x instanceof Map || x instanceof List);
    int inner = nested ? indent : -1;
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        sb.append(',');
        if (!nested && indent >= 0) {
          sb.append(' ');
        }
      }
      newline(sb, inner, depth + 1);
      writeValue(sb, list.get(i), indent, depth + 1);
    }
    if (nested && !list.isEmpty()) {
      newline(sb, inner, depth);
    }
    sb.append(']');
  }

  private static void newline(StringBuilder sb, int indent, int depth) {
    if (indent >= 0) {
      sb.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------- parsing

  /**
   * Parses one JSON value; surrounding whitespace is allowed, anything else after the value is an
   * error.
   *
   * @throws IllegalArgumentException if {@code text} is not valid JSON, naming the offset
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    if (text.startsWith("\uFEFF")) {
      p.pos = 1; // a UTF-8 byte-order mark, which RFC 8259 lets parsers ignore
    }
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.pos < text.length()) {
      throw p.error("unexpected content after the JSON value");
    }
    return v;
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException if {@code text} is not valid JSON or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, got " + typeName(v));
    }
    return (Map<String, Object>) v;
  }

  // ---------------------------------------------------------------- typed access

  /** The string at {@code key}; throws naming the key if absent or of another type. */
  public static String getString(Map<String, Object> obj, String key) {
    return get(obj, key, String.class, "a string");
  }

  /** The integer at {@code key}; throws if absent, not an integer or outside the int range. */
  public static int getInt(Map<String, Object> obj, String key) {
    long v = getLong(obj, key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("key \"" + key + "\": " + v + " does not fit in an int");
    }
    return (int) v;
  }

  /** The integer at {@code key}; throws if absent or not an integer. */
  public static long getLong(Map<String, Object> obj, String key) {
    return get(obj, key, Long.class, "an integer");
  }

  /** The number (integer or not) at {@code key} as a double; throws if absent or not a number. */
  public static double getDouble(Map<String, Object> obj, String key) {
    return get(obj, key, Number.class, "a number").doubleValue();
  }

  /** The boolean at {@code key}; throws if absent or not a boolean. */
  public static boolean getBoolean(Map<String, Object> obj, String key) {
    return get(obj, key, Boolean.class, "true or false");
  }

  /** The object at {@code key}; throws if absent or not an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> getObject(Map<String, Object> obj, String key) {
    return get(obj, key, Map.class, "an object");
  }

  /** The array at {@code key}; throws if absent or not an array. */
  @SuppressWarnings("unchecked")
  public static List<Object> getArray(Map<String, Object> obj, String key) {
    return get(obj, key, List.class, "an array");
  }

  private static <T> T get(Map<String, Object> obj, String key, Class<T> type, String expected) {
    if (!obj.containsKey(key)) {
      throw new IllegalArgumentException(
          "missing key " + Visible.quote(key) + " (present: " + visibleKeys(obj) + ")");
    }
    Object v = obj.get(key);
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException(
          "key " + Visible.quote(key) + ": expected " + expected + ", got " + typeName(v));
    }
    return type.cast(v);
  }

  /** The keys of {@code obj}, each quoted by {@link Visible#quote}, for error messages. */
  private static String visibleKeys(Map<String, Object> obj) {
    StringBuilder sb = new StringBuilder("[");
    for (String k : obj.keySet()) {
      sb.append(sb.length() == 1 ? "" : ", ").append(Visible.quote(k));
    }
    return sb.append(']').toString();
  }

  /** The JSON type name of a parsed value, for error messages. */
  static String typeName(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Long) {
      return "an integer";
    } else if (v instanceof Number) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof Map) {
      return "an object";
    } else if (v instanceof List) {
      return "an array";
    }
    return v.getClass().getSimpleName();
  }

  /** Recursive-descent parser over one string. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      String near =
          pos < s.length()
              ? " near " + Visible.quote(s.substring(pos, Math.min(s.length(), pos + 16)))
              : "";
      return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what + near);
    }

    void skipWhitespace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    Object value(int depth) {
      if (pos >= s.length()) {
        throw error("unexpected end of input, expected a value");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth + 1);
        case '[' -> array(depth + 1);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character, expected a value");
        }
      };
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("unknown literal, expected " + word);
      }
      pos += word.length();
      return v;
    }

    private void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH + " levels");
      }
    }

    private Map<String, Object> object(int depth) {
      checkDepth(depth);
      pos++; // '{'
      Map<String, Object> m = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return Collections.unmodifiableMap(m);
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        int keyPos = pos;
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        Object v = value(depth);
        if (m.containsKey(key)) {
          pos = keyPos;
          throw error("duplicate key \"" + key + "\"");
        }
        m.put(key, v);
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == '}') {
          return Collections.unmodifiableMap(m);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}' in object");
        }
      }
    }

    private List<Object> array(int depth) {
      checkDepth(depth);
      pos++; // '['
      List<Object> list = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth));
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == ']') {
          return Collections.unmodifiableList(list);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']' in array");
        }
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end of input");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private String string() {
      pos++; // opening quote
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return sb.toString();
        }
        if (c < 0x20) {
          throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
        }
        if (c != '\\') {
          sb.append(c);
          pos++;
          continue;
        }
        pos++;
        char e = peek();
        pos++;
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> sb.append(hex4());
          default -> {
            pos -= 2;
            throw error("invalid escape");
          }
        }
      }
    }

    private char hex4() {
      if (pos + 4 > s.length()) {
        throw error("truncated \\u escape");
      }
      int v = 0;
      for (int i = 0; i < 4; i++) {
        int d = Character.digit(s.charAt(pos + i), 16);
        if (d < 0) {
          throw error("invalid hex digit in \\u escape");
        }
        v = v * 16 + d;
      }
      pos += 4;
      return (char) v;
    }

    private Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      int intStart = pos;
      digits();
      if (pos - intStart > 1 && s.charAt(intStart) == '0') {
        pos = intStart;
        throw error("leading zero in a number");
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        digits();
        integral = false;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        digits();
        integral = false;
      }
      String text = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException tooBig) {
          // falls through to a double, like most parsers
        }
      }
      double d = Double.parseDouble(text);
      if (Double.isInfinite(d)) {
        pos = start;
        throw error("number " + text + " is outside the range of a double (about ±1.8e308)");
      }
      return d;
    }

    private void digits() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error("expected a digit");
      }
    }
  }
}
