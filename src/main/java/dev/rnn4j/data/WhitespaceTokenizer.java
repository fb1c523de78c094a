package dev.rnn4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokens are the maximal runs of non-whitespace characters ({@link Character#isWhitespace});
 * detokenizing joins them with single spaces. Texts whose words are separated by single spaces,
 * without leading or trailing whitespace, round-trip.
 *
 * <p>Thread-safety: stateless; safe to share.
 */
public final class WhitespaceTokenizer implements Tokenizer {
  @Override
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        if (start >= 0) {
          out.add(text.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(text.substring(start));
    }
    return out;
  }

  @Override
  public String detokenize(List<String> tokens) {
    return String.join(" ", tokens);
  }
}
