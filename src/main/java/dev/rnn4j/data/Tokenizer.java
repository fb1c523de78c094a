package dev.rnn4j.data;

import java.util.List;

/**
 * Splits text into tokens and joins tokens back into text. Implementations state which texts
 * round-trip, i.e. for which {@code detokenize(tokenize(s))} equals {@code s}.
 *
 * <p>Thread-safety: implementations in this package are immutable and safe to share.
 */
public interface Tokenizer {
  /** The tokens of {@code text}, none of them empty. */
  List<String> tokenize(String text);

  /** The text the tokens stand for. */
  String detokenize(List<String> tokens);
}
