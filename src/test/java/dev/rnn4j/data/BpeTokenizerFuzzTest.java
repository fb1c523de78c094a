package dev.rnn4j.data;

import dev.rnn4j.Fuzz;
import dev.rnn4j.io.FileFormatException;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutated BPE merges files: {@link BpeTokenizer#load} (through its byte-level {@code read}) returns
 * a tokenizer that can tokenize and detokenize text, or throws {@link FileFormatException} with a
 * message.
 */
class BpeTokenizerFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("bpe");

  @Provide
  Arbitrary<byte[]> files() {
    return Fuzz.inputs("bpe");
  }

  @Property(
      tries = 10_000,
      seed = "4025",
      shrinking = ShrinkingMode.OFF,
      edgeCases = EdgeCasesMode.NONE,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void readerReturnsAUsableTokenizerOrReportsTheProblem(@ForAll("files") byte[] file) {
    Fuzz.check(
        STATS,
        file,
        b -> {
          BpeTokenizer t = BpeTokenizer.read(b, "fuzz.bpe");
          t.detokenize(t.tokenize("lowest newest café caf@@ 😀 es"));
        },
        FileFormatException.class);
  }

  @AfterContainer
  static void summary() {
    System.out.println(STATS.summary());
  }
}
