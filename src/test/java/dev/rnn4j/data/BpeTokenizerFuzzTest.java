package dev.rnn4j.data;

import dev.rnn4j.Fuzz;
import dev.rnn4j.io.FileFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated BPE merges files: {@link BpeTokenizer#load} (through its byte-level {@code read}) returns
 * a tokenizer that can tokenize and detokenize text, or throws {@link FileFormatException} with a
 * message.
 */
class BpeTokenizerFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("bpe");

  @Test
  void readerReturnsAUsableTokenizerOrReportsTheProblem() {
    Fuzz.forAll(
        4025L, 10_000, Fuzz.inputs("bpe"), this::readerReturnsAUsableTokenizerOrReportsTheProblem);
  }

  void readerReturnsAUsableTokenizerOrReportsTheProblem(byte[] file) {
    Fuzz.check(
        STATS,
        file,
        b -> {
          BpeTokenizer t = BpeTokenizer.read(b, "fuzz.bpe");
          t.detokenize(t.tokenize("lowest newest café caf@@ 😀 es"));
        },
        FileFormatException.class);
  }

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
