package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Fuzz;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated TSV corpora: {@link ParallelCorpusReader} never throws on content; every line is either
 * passed on as a pair without a tab in either side or counted as rejected.
 */
class ParallelCorpusReaderFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("tsv");
  private final ParallelCorpusReader reader =
      new ParallelCorpusReader(8, s -> new WhitespaceTokenizer().tokenize(s).size(), 64, 3);

  @Test
  void everyLineIsPassedOnOrCounted() {
    Fuzz.forAll(4026L, 10_000, Fuzz.inputs("tsv"), this::everyLineIsPassedOnOrCounted);
  }

  void everyLineIsPassedOnOrCounted(byte[] file) {
    Fuzz.check(
        STATS,
        file,
        b -> {
          List<SentencePair> pairs = new ArrayList<>();
          CorpusReport r = reader.read(new ByteArrayInputStream(b), "fuzz.tsv", pairs::add);
          long lines = LineReaderFuzzTest.countLines(b);
          assertEquals(lines, r.lines(), "lines");
          assertEquals(lines, r.accepted() + r.rejected(), "accepted + rejected");
          assertEquals(r.accepted(), pairs.size(), "pairs passed on");
          for (SentencePair p : pairs) {
            assertTrue(p.source().indexOf('\t') < 0 && p.target().indexOf('\t') < 0, p.toString());
          }
        });
  }

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
