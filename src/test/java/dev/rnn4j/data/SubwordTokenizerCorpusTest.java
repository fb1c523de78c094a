package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SubwordTokenizer on the Debian corpora of {@code scripts/data/get_debian_corpora.sh}, when they
 * are in {@code /tmp/data} (or the directory of the system property {@code rnn4j.corpora}); skipped
 * otherwise. A joint model learned on the dev split must round-trip every line of every split
 * exactly (up to {@link SubwordTokenizer#normalize}) and hold no piece that mixes letters or digits
 * with punctuation.
 */
class SubwordTokenizerCorpusTest {
  private static final Path ROOT = Path.of(System.getProperty("rnn4j.corpora", "/tmp/data"));

  @Test
  void englishFrench() throws IOException {
    check(ROOT.resolve("mt-en-fr"));
  }

  @Test
  void englishSummaries() throws IOException {
    check(ROOT.resolve("sum-en"));
  }

  private static void check(Path dir) throws IOException {
    assumeTrue(Files.isRegularFile(dir.resolve("dev.tsv")), "no corpus in " + dir);
    List<String> src = new ArrayList<>();
    List<String> tgt = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("dev.tsv"), StandardCharsets.UTF_8)) {
      String[] parts = line.split("\t", 2);
      src.add(parts[0]);
      tgt.add(parts.length > 1 ? parts[1] : "");
    }
    SubwordTokenizer t = SubwordTokenizer.learnJoint(List.of(src, tgt), 4000, 0.9995);
    assertEquals(4000, t.vocabulary().size());
    List<String> mixed = new ArrayList<>();
    for (String piece : t.vocabulary()) {
      if (SubwordTokenizerTest.mixesLettersAndPunctuation(piece)) {
        mixed.add(piece);
      }
    }
    assertEquals(List.of(), mixed);
    int lines = 0;
    for (String split : List.of("train.tsv", "dev.tsv", "test.tsv")) {
      for (String line : Files.readAllLines(dir.resolve(split), StandardCharsets.UTF_8)) {
        for (String side : line.split("\t", -1)) {
          assertEquals(SubwordTokenizer.normalize(side), t.detokenize(t.tokenize(side)), side);
          lines++;
        }
      }
    }
    assertEquals(true, lines > 2000, "lines checked: " + lines);
  }
}
