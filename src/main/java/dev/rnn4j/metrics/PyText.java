package dev.rnn4j.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The few Python {@code str} operations the reference metrics are defined with, on Unicode code
 * points as Python does (a Java {@code char} is a UTF-16 unit, so a character outside the BMP is
 * two of them): {@code str.split()}, {@code str.rstrip()}, {@code len}, slicing.
 *
 * <p>Thread-safety: stateless.
 */
final class PyText {
  private PyText() {}

  /**
   * Python's {@code str.isspace()} for one code point: the ASCII whitespace and separators
   * U+001C..U+001F, U+0085, and every code point of category Zs, Zl or Zp.
   */
  static boolean isSpace(int cp) {
    if (cp <= 0x20) {
      return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    }
    if (cp == 0x85) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** Python's {@code s.split()}: runs of whitespace separate, no empty strings. */
  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isSpace(cp)) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  /** Python's {@code s.rstrip()}: trailing whitespace removed. */
  static String rstrip(String s) {
    int end = s.length();
    while (end > 0) {
      int cp = s.codePointBefore(end);
      if (!isSpace(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(0, end);
  }

  /** Python's {@code ''.join(s.split())}: every whitespace code point removed. */
  static String removeSpaces(String s) {
    return String.join("", split(s));
  }

  /** Python's {@code len(s)}: the number of code points. */
  static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /** The code points of {@code s}, so that {@code s[i:i+n]} is a range of this array. */
  static int[] codePoints(String s) {
    return s.codePoints().toArray();
  }
}
