package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Mutated vocabulary files: {@link Vocabulary#load} (through its byte-level {@code read}) returns a
 * vocabulary whose tokens {@link Vocabulary#of} accepts again, or throws {@link
 * FileFormatException} with a message.
 */
class VocabularyFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("vocabulary");

  @Provide
  Arbitrary<byte[]> files() {
    return Fuzz.inputs("vocabulary");
  }

  @Property(
      tries = 10_000,
      seed = "4024",
      shrinking = ShrinkingMode.OFF,
      edgeCases = EdgeCasesMode.NONE,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void readerReturnsAValidVocabularyOrReportsTheProblem(@ForAll("files") byte[] file) {
    Fuzz.check(
        STATS,
        file,
        b -> {
          Vocabulary v = Vocabulary.read(b, "fuzz.vocab");
          Vocabulary again =
              Vocabulary.of(v.tokens().subList(Vocabulary.SPECIALS.size(), v.size()));
          assertEquals(v, again, "a loaded vocabulary must be one Vocabulary.of can build");
        },
        FileFormatException.class);
  }

  @AfterContainer
  static void summary() {
    System.out.println(STATS.summary());
  }
}
