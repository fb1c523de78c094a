package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnn4j.Fuzz;
import dev.rnn4j.io.FileFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated vocabulary files: {@link Vocabulary#load} (through its byte-level {@code read}) returns a
 * vocabulary whose tokens {@link Vocabulary#of} accepts again, or throws {@link
 * FileFormatException} with a message.
 */
class VocabularyFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("vocabulary");

  @Test
  void readerReturnsAValidVocabularyOrReportsTheProblem() {
    Fuzz.forAll(
        4024L,
        10_000,
        Fuzz.inputs("vocabulary"),
        this::readerReturnsAValidVocabularyOrReportsTheProblem);
  }

  void readerReturnsAValidVocabularyOrReportsTheProblem(byte[] file) {
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

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
