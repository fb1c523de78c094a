package dev.rnn4j.data;

import java.util.function.Consumer;

/**
 * The text side of {@link SubwordTokenizer}: whitespace normalisation and the pre-tokenisation into
 * chunks, the units that merges never cross.
 *
 * <p><b>Normalisation.</b> A whitespace character is one for which {@link Character#isWhitespace}
 * or {@link Character#isSpaceChar} holds (space, tab, line ends, no-break and other Unicode spaces,
 * line and paragraph separators), or U+2581 "▁" itself (SentencePiece treats it as a space too). A
 * run of them becomes one U+0020 space, and runs at the ends are removed. Nothing else changes: no
 * Unicode (NFKC) normalisation, no case folding.
 *
 * <p><b>Chunks.</b> Each word of the normalised text (a maximal run without spaces) is cut where
 * the class of its code points changes: letters, digits, punctuation and symbols, and others. A
 * combining mark or format character (e.g. the zero-width joiner inside emoji sequences) takes the
 * class of the code point before it. The first chunk of a word is prefixed with "▁", which stands
 * for the space before the word (the first word gets one too, SentencePiece's "dummy prefix"). So
 * {@code "Hello, world (2024)!"} has the chunks {@code ▁Hello , ▁world ▁( 2024 )!}.
 *
 * <p>Thread-safety: stateless.
 */
final class SubwordText {
  /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's stand-in for a space. */
  static final int SPACE_MARK = 0x2581;

  static final int LETTER = 0;
  static final int DIGIT = 1;
  static final int PUNCTUATION = 2;
  static final int OTHER = 3;

  private SubwordText() {}

  static boolean isWhitespace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == SPACE_MARK;
  }

  /** {@code text} with whitespace runs made one space and the ends trimmed (see the class). */
  static String normalize(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        pendingSpace = sb.length() > 0;
      } else {
        if (pendingSpace) {
          sb.append(' ');
          pendingSpace = false;
        }
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /**
   * The class of a code point: {@link #LETTER}, {@link #DIGIT}, {@link #PUNCTUATION} (Unicode P*
   * and S*) or {@link #OTHER}; -1 for marks and format characters, which join the preceding class.
   */
  static int charClass(int cp) {
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER:
        return LETTER;
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
        return DIGIT;
      case Character.CONNECTOR_PUNCTUATION,
      Character.DASH_PUNCTUATION,
      Character.START_PUNCTUATION,
      Character.END_PUNCTUATION,
      Character.INITIAL_QUOTE_PUNCTUATION,
      Character.FINAL_QUOTE_PUNCTUATION,
      Character.OTHER_PUNCTUATION,
      Character.MATH_SYMBOL,
      Character.CURRENCY_SYMBOL,
      Character.MODIFIER_SYMBOL,
      Character.OTHER_SYMBOL:
        return PUNCTUATION;
      case Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.FORMAT:
        return -1;
      default:
        return OTHER;
    }
  }

  /** Passes each chunk of {@code text} (normalised or not) to {@code out}, in order. */
  static void chunks(String text, Consumer<String> out) {
    StringBuilder chunk = new StringBuilder();
    int cls = -2;
    boolean wordStart = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        wordStart = true;
        continue;
      }
      int c = charClass(cp);
      if (wordStart) {
        flush(chunk, out);
        chunk.appendCodePoint(SPACE_MARK);
        wordStart = false;
        cls = c < 0 ? OTHER : c;
      } else if (c >= 0 && c != cls) {
        flush(chunk, out);
        cls = c;
      }
      chunk.appendCodePoint(cp);
    }
    flush(chunk, out);
  }

  private static void flush(StringBuilder chunk, Consumer<String> out) {
    if (chunk.length() > 0) {
      out.accept(chunk.toString());
      chunk.setLength(0);
    }
  }
}
