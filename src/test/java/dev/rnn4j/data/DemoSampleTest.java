package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CMUdict sample shipped for the demo reads cleanly and keeps train and dev apart. */
class DemoSampleTest {
  private static final Set<String> PHONEMES =
      Set.of(
          ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH"
                  + " UW V W Y Z ZH")
              .split(" "));

  private static List<SentencePair> read(String name, int expected) throws IOException {
    List<SentencePair> pairs = new ArrayList<>();
    try (InputStream in = DemoSampleTest.class.getResourceAsStream("/dev/rnn4j/demo/" + name)) {
      assertNotNull(in, name + " is missing from the classpath");
      CorpusReport report =
          ParallelCorpusReader.of(40, new WhitespaceTokenizer()).read(in, name, pairs::add);
      assertEquals(0, report.rejected(), report.summary());
    }
    assertEquals(expected, pairs.size(), name);
    WhitespaceTokenizer ws = new WhitespaceTokenizer();
    for (SentencePair p : pairs) {
      for (String letter : ws.tokenize(p.source())) {
        assertTrue(letter.matches("[a-z']"), "line " + p.line() + ": letter " + letter);
      }
      assertTrue(PHONEMES.containsAll(ws.tokenize(p.target())), "line " + p.line());
    }
    return pairs;
  }

  @Test
  void sampleIsCleanAndTrainAndDevAreDisjoint() throws IOException {
    List<SentencePair> train = read("g2p-train.tsv", 4000);
    List<SentencePair> dev = read("g2p-dev.tsv", 400);
    Set<String> words = new HashSet<>();
    train.forEach(p -> words.add(p.source()));
    assertEquals(4000, words.size(), "words repeat in the train sample");
    for (SentencePair p : dev) {
      assertTrue(!words.contains(p.source()), "dev word also in train: " + p.source());
    }
  }
}
