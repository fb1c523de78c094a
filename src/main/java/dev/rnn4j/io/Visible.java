package dev.rnn4j.io;

/**
 * Quotes text read from a file for an error message so that nothing in it is invisible: line
 * breaks, tabs, other control characters, byte-order marks and zero-width format characters are
 * written as escapes ({@code \r}, {@code \t}, {@code \u0000}, {@code \uFEFF}), and long text is
 * cut. Without it, {@code first line is "#rnn4j-vocabulary v1\r"} reads like the expected line.
 *
 * <p>Thread-safety: stateless.
 */
public final class Visible {
  /** Characters of the input shown before the quote is cut with "...". */
  public static final int MAX_SHOWN = 60;

  private Visible() {}

  /**
   * {@code text} in double quotes with invisible characters escaped, cut after {@link #MAX_SHOWN}.
   */
  public static String quote(CharSequence text) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_SHOWN) + 8).append('"');
    int n = Math.min(text.length(), MAX_SHOWN);
    if (n < text.length() && Character.isHighSurrogate(text.charAt(n - 1))) {
      n--;
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (invisible(text, i, c)) {
            sb.append(String.format("\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
    if (text.length() > n) {
      sb.append("... (").append(text.length()).append(" characters)");
    }
    return sb.toString();
  }

  private static boolean invisible(CharSequence text, int i, char c) {
    if (Character.isISOControl(c)) {
      return true;
    }
    int type = Character.getType(c);
    if (type == Character.FORMAT || type == Character.UNASSIGNED) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return c == '\u2028' || c == '\u2029' || c == '\u00A0' || c == '\uFFFD';
  }
}
