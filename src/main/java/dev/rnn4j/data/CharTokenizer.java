package dev.rnn4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One token per Unicode code point, spaces included (a surrogate pair is one token). Every string
 * round-trips.
 *
 * <p>Thread-safety: stateless; safe to share.
 */
public final class CharTokenizer implements Tokenizer {
  @Override
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      out.add(text.substring(i, i + n));
      i += n;
    }
    return out;
  }

  @Override
  public String detokenize(List<String> tokens) {
    return String.join("", tokens);
  }
}
