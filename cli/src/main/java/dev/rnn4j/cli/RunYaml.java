package dev.rnn4j.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The YAML subset of a run file, read and written: one {@code key: value} per line, {@code #}
 * comments, blank lines, plain, 'single-' and "double-quoted" scalars and flow lists {@code [a,
 * b]}; a leading {@code ---} is allowed. Scalars stay text (the option's own converter reads
 * numbers and booleans later); plain {@code null}, {@code ~} and an empty value are null. Anything
 * else YAML has — indentation (nesting), block lists and scalars, anchors, aliases, tags, flow
 * mappings, several documents — and duplicate keys are refused with the file, the line and what to
 * write instead. Stateless.
 */
final class RunYaml {
  private RunYaml() {}

  private static final Pattern KEY = Pattern.compile("-{0,2}[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** Plain scalars the writer leaves unquoted: they read back as the same text. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+=][A-Za-z0-9_./+=:@,-]*");

  /** The settings of {@code text}, in file order; {@code file} names it in error messages. */
  static List<RunFile.Setting> parse(String text, String file) {
    List<RunFile.Setting> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    String[] lines =
        text.startsWith("\uFEFF") ? text.substring(1).split("\n", -1) : text.split("\n", -1);
    boolean content = false;
    for (int i = 0; i < lines.length; i++) {
      int no = i + 1;
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      if (line.charAt(0) == '\t') {
        throw error(
            file, no, "indented with a tab; write each option as a top-level `key: value` line");
      }
      if (line.charAt(0) == ' ') {
        throw error(
            file,
            no,
            "indented: nested values are not supported; write each option as a top-level `key:"
                + " value` line (lists as [a, b])");
      }
      if (stripped.equals("---") && !content) {
        content = true;
        continue;
      }
      content = true;
      if (stripped.equals("---") || stripped.equals("...")) {
        throw error(
            file, no, "only one document per run file; remove this '" + stripped + "' line");
      }
      if (line.startsWith("- ") || line.equals("-")) {
        throw error(file, no, "a block list is not supported; write options as `key: value` lines");
      }
      int colon = line.indexOf(':');
      String key = colon < 0 ? "" : line.substring(0, colon).strip();
      if (colon < 0 || !KEY.matcher(key).matches()) {
        throw error(
            file,
            no,
            "expected `key: value` (a key such as epochs or dev-metric, a colon and a space, the"
                + " value), got "
                + quoteForMessage(line));
      }
      String rest = line.substring(colon + 1);
      if (!rest.isEmpty() && rest.charAt(0) != ' ' && rest.charAt(0) != '\t') {
        throw error(file, no, "put a space after the colon of '" + key + ":'");
      }
      Integer earlier = seen.putIfAbsent(key, no);
      if (earlier != null) {
        throw error(
            file,
            no,
            "duplicate key '"
                + key
                + "' (first on line "
                + earlier
                + "); keep one of the two lines");
      }
      out.add(new RunFile.Setting(key, new LineParser(rest, file, no, key).value(), no));
    }
    return out;
  }

  /**
   * {@code map} as run-file text, one {@code key: value} line per entry after the {@code header}
   * comment lines: null as {@code null}, lists as {@code [a, b]}, numbers and booleans as their
   * {@code toString}, strings quoted where a reader would otherwise take them for something else.
   */
  static String write(Map<String, Object> map, List<String> header) {
    StringBuilder sb = new StringBuilder();
    for (String h : header) {
      sb.append("# ").append(h).append('\n');
    }
    for (Map.Entry<String, Object> e : map.entrySet()) {
      sb.append(e.getKey()).append(": ").append(value(e.getValue())).append('\n');
    }
    return sb.toString();
  }

  private static String value(Object v) {
    if (v instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object o : list) {
        items.add(value(o));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v == null || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    String s = v.toString();
    boolean plain =
        PLAIN.matcher(s).matches()
            && !s.contains(",")
            && !s.equalsIgnoreCase("null")
            && !s.equalsIgnoreCase("true")
            && !s.equalsIgnoreCase("false");
    return plain ? s : quote(s);
  }

  /** {@code s} double-quoted with the escapes {@link LineParser} reads back. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static String quoteForMessage(String line) {
    return quote(line.length() > 60 ? line.substring(0, 60) + "..." : line);
  }

  static IllegalArgumentException error(String file, int line, String what) {
    return new IllegalArgumentException(file + ":" + line + ": " + what);
  }

  /** One value: the text after {@code key:}. */
  private static final class LineParser {
    private final String s;
    private final String file;
    private final int line;
    private final String key;
    private int pos;

    LineParser(String s, String file, int line, String key) {
      this.s = s;
      this.file = file;
      this.line = line;
      this.key = key;
    }

    Object value() {
      skipSpaces();
      if (atEnd()) {
        return null;
      }
      Object v;
      if (s.charAt(pos) == '[') {
        pos++;
        v = list();
      } else {
        v = scalar(false);
      }
      skipSpaces();
      if (!atEnd()) {
        throw fail(
            "unexpected "
                + quoteForMessage(s.substring(pos))
                + " after the value; quote the whole value, or start a comment with ' #'");
      }
      return v;
    }

    private List<String> list() {
      List<String> items = new ArrayList<>();
      skipSpaces();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return items;
      }
      while (true) {
        skipSpaces();
        if (pos < s.length() && (s.charAt(pos) == '[' || s.charAt(pos) == '{')) {
          throw fail("nested lists and mappings are not supported; a list holds plain values");
        }
        Object item = scalar(true);
        if (item == null) {
          throw fail("empty or null list item; remove it or quote it");
        }
        items.add((String) item);
        skipSpaces();
        if (pos >= s.length()) {
          throw fail("unclosed list; end it with ']' on the same line");
        }
        char c = s.charAt(pos++);
        if (c == ']') {
          return items;
        }
        if (c != ',') {
          throw fail("expected ',' or ']' in the list, got '" + c + "'");
        }
      }
    }

    /** A quoted or plain scalar; in a list a plain one ends at ',' or ']'. */
    private Object scalar(boolean inList) {
      if (pos >= s.length()) {
        return null;
      }
      char c = s.charAt(pos);
      if (c == '"') {
        return doubleQuoted();
      }
      if (c == '\'') {
        return singleQuoted();
      }
      String refused =
          switch (c) {
            case '{' -> "nested mappings are not supported; write each option as its own line";
            case '&' -> "anchors (&) are not supported; write the value itself";
            case '*' -> "aliases (*) are not supported; write the value itself";
            case '!' -> "tags (!) are not supported; write the value without one";
            case '|', '>' -> "block scalars (| and >) are not supported; write a one-line value";
            case '@', '`', '%', ']', '}', ',', '?' ->
                "a value cannot start with '" + c + "'; quote it";
            default -> null;
          };
      if (refused == null && c == '-' && (pos + 1 >= s.length() || s.charAt(pos + 1) == ' ')) {
        refused = "block lists are not supported; write the list as [a, b]";
      }
      if (refused != null) {
        throw fail(refused);
      }
      int start = pos;
      while (pos < s.length()) {
        char d = s.charAt(pos);
        if (d == '#' && (s.charAt(pos - 1) == ' ' || s.charAt(pos - 1) == '\t')) {
          break;
        }
        if (inList && (d == ',' || d == ']' || d == '[' || d == '{' || d == '}')) {
          break;
        }
        if (d == ':' && (pos + 1 == s.length() || s.charAt(pos + 1) == ' ')) {
          throw fail("nested mappings are not supported (': ' inside the value); quote the value");
        }
        pos++;
      }
      String text = s.substring(start, pos).strip();
      if (text.equals("~") || text.equals("null") || text.equals("Null") || text.equals("NULL")) {
        return null;
      }
      return text;
    }

    private String doubleQuoted() {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case '0' -> sb.append('\0');
          case 'u' -> {
            if (pos + 4 > s.length() || !s.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
              throw fail("\\u must be followed by four hex digits");
            }
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default ->
              throw fail(
                  "unknown escape '\\"
                      + e
                      + "' in a double-quoted value; use \\\\ for a backslash");
        }
      }
      throw fail("unclosed \"; close the quote on the same line (values are one line)");
    }

    private String singleQuoted() {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c != '\'') {
          sb.append(c);
        } else if (pos < s.length() && s.charAt(pos) == '\'') {
          sb.append('\'');
          pos++;
        } else {
          return sb.toString();
        }
      }
      throw fail("unclosed '; close the quote on the same line (values are one line)");
    }

    private void skipSpaces() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    /** At the end of the line, or at a comment. */
    private boolean atEnd() {
      return pos >= s.length()
          || (s.charAt(pos) == '#'
              && (pos == 0 || s.charAt(pos - 1) == ' ' || s.charAt(pos - 1) == '\t'));
    }

    private IllegalArgumentException fail(String what) {
      return error(file, line, key + ": " + what);
    }
  }
}
