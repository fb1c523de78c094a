package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reference values from google-research/google-research rouge/rouge_scorer_test.py (the rouge-score
 * package; file version da0c44e / 066e6a1): every rouge1/rouge2/rougeL case, among them the
 * "AgainstRouge155" ones whose expected values are ROUGE-1.5.5's, on rouge/testdata target.txt and
 * prediction.txt (copied to src/test/resources/metrics/rouge_*.txt); with their tolerance,
 * assertAlmostEqual(places=5), i.e. |diff| < 5e-6. rougeLsum cases are left out (not implemented).
 * Tokenizer cases from rouge/tokenize_test.py.
 */
class RougeTest {
  private static final double PLACES5 = 5e-6;
  private static final double EXACT = 1e-12;

  private static void assertScore(double p, double r, double f, Rouge.Score s, double tol) {
    assertEquals(p, s.precision(), tol, "precision");
    assertEquals(r, s.recall(), tol, "recall");
    assertEquals(f, s.fmeasure(), tol, "fmeasure");
  }

  private static Rouge.Score one(String type, boolean stem, String target, String prediction) {
    return new Rouge(List.of(type), stem).score(target, prediction).get(type);
  }

  @Test
  void rougeScorerTestSmallCases() {
    assertScore(1, 1.0 / 3, 1.0 / 2, one("rouge1", false, "testing one two", "testing"), EXACT);
    assertScore(1, 1.0 / 2, 2.0 / 3, one("rouge2", false, "testing one two", "testing one"), EXACT);
    assertScore(1, 2.0 / 3, 4.0 / 5, one("rougeL", false, "testing one two", "testing one"), EXACT);
    assertScore(1, 2.0 / 3, 4.0 / 5, one("rougeL", false, "testing one two", "testing two"), EXACT);
    for (String t : List.of("rouge1", "rouge2", "rougeL")) {
      assertScore(0, 0, 0, one(t, false, "testing one two", ""), EXACT);
    }
    Map<String, Rouge.Score> both =
        new Rouge(List.of("rouge1", "rougeL"), false).score("testing one two", "testing one");
    assertEquals(List.of("rouge1", "rougeL"), List.copyOf(both.keySet()));
    assertScore(1, 2.0 / 3, 4.0 / 5, both.get("rouge1"), EXACT);
    assertScore(1, 2.0 / 3, 4.0 / 5, both.get("rougeL"), EXACT);
  }

  @Test
  void rougeTypesAreValidated() {
    for (String t : List.of("rougen", "rouge0", "rouge10", "rougeLsum")) {
      var e = assertThrows(IllegalArgumentException.class, () -> new Rouge(List.of(t), false));
      assertEquals(
          "ROUGE type: got '" + t + "', expected rouge1..rouge9 or rougeL (rougeLsum: not here)",
          e.getMessage());
    }
    for (String t : List.of("rouge1", "rouge9", "rougeL")) {
      assertEquals(
          List.of(t), List.copyOf(new Rouge(List.of(t), false).score("a b", "a").keySet()));
    }
  }

  @Test
  void againstRouge155() throws IOException {
    String[] targets = lines("/metrics/rouge_target.txt");
    String[] predictions = lines("/metrics/rouge_prediction.txt");
    // testRouge1AgainstRouge155 (and ...WithStemming, same values for the first pair).
    assertScore(
        0.68750, 0.40741, 0.51163, one("rouge1", false, targets[0], predictions[0]), PLACES5);
    assertScore(
        0.65385, 0.40476, 0.50000, one("rouge1", false, targets[1], predictions[1]), PLACES5);
    assertScore(
        0.68750, 0.40741, 0.51163, one("rouge1", true, targets[0], predictions[0]), PLACES5);
    assertScore(
        0.69231, 0.42857, 0.52941, one("rouge1", true, targets[1], predictions[1]), PLACES5);
    // testRouge2AgainstRouge155 (and ...WithStemming: the same values).
    for (boolean stem : new boolean[] {false, true}) {
      assertScore(
          0.53333, 0.30769, 0.39024, one("rouge2", stem, targets[0], predictions[0]), PLACES5);
      assertScore(
          0.48000, 0.29268, 0.36364, one("rouge2", stem, targets[1], predictions[1]), PLACES5);
    }
    // testRougeLAgainstRouge155.
    assertScore(
        0.68750, 0.40741, 0.51163, one("rougeL", false, targets[0], predictions[0]), PLACES5);
    assertScore(
        0.65385, 0.40476, 0.50000, one("rougeL", false, targets[1], predictions[1]), PLACES5);
  }

  @Test
  void tokenizer() {
    // rouge/tokenize_test.py.
    assertEquals(List.of("one", "two", "three"), Rouge.tokenize("one Two three", false));
    assertEquals(List.of("one", "two", "three"), Rouge.tokenize("one\n Two \nthree", false));
    // Non-[a-z0-9] runs split words; non-ASCII letters vanish; only tokens of 4+ chars are stemmed.
    assertEquals(
        List.of("it", "s", "a", "caf", "s", "dog", "run", "fast"),
        Rouge.tokenize("It's a café's dog, running fast!", true));
    assertEquals(List.of("cat", "cats", "the"), Rouge.tokenize("CAT cats the", false));
    assertEquals(List.of("cat", "cat", "the"), Rouge.tokenize("CAT cats the", true));
    assertEquals(List.of(), Rouge.tokenize(" /// ", true));
  }

  @Test
  void lcsLength() {
    // rouge_scorer_test.py testLcsTable: [1,2,3,4,5] vs [2,5,3,4] -> 3; vs [8,9] -> 0.
    assertEquals(3, Rouge.lcsLength(List.of("1", "2", "3", "4", "5"), List.of("2", "5", "3", "4")));
    assertEquals(0, Rouge.lcsLength(List.of("1", "2", "3", "4", "5"), List.of("8", "9")));
  }

  /**
   * Worked by hand: target "the cat is on the mat", prediction "the cat sat on the mat" (6 tokens
   * each). ROUGE-1: overlap the×2, cat, on, mat = 5: P = R = F = 5/6. ROUGE-2: the cat, on the, the
   * mat of 5 bigrams each: 3/5. ROUGE-L: LCS "the cat on the mat" = 5: 5/6.
   */
  @Test
  void handWorkedPair() {
    Map<String, Rouge.Score> s =
        Rouge.standard(false).score("the cat is on the mat", "the cat sat on the mat");
    assertScore(5.0 / 6, 5.0 / 6, 5.0 / 6, s.get("rouge1"), EXACT);
    assertScore(3.0 / 5, 3.0 / 5, 3.0 / 5, s.get("rouge2"), EXACT);
    assertScore(5.0 / 6, 5.0 / 6, 5.0 / 6, s.get("rougeL"), EXACT);
    // Stemming: "The cats were running" vs "the cat was running": with stems [the, cat, was,
    // run] vs [the, cat, were, run] 3 of 4 unigrams match; without, only "the" and "running".
    assertEquals(
        0.75,
        one("rouge1", true, "the cat was running", "The cats were running").fmeasure(),
        EXACT);
    assertEquals(
        0.5,
        one("rouge1", false, "the cat was running", "The cats were running").fmeasure(),
        EXACT);
  }

  /**
   * score_multi keeps, per type, the target with the best F; the corpus score is the mean of the
   * per-pair P, R and F: pairs ("a b" vs "a b") F = 1 and ("a" vs "b") F = 0 give 0.5.
   */
  @Test
  void multipleTargetsAndCorpusMean() {
    Rouge r = Rouge.standard(false);
    assertEquals(1.0, r.scoreMulti(List.of("x y", "a b c"), "a b c").get("rouge2").fmeasure());
    Map<String, Rouge.Score> c =
        r.corpus(List.of("a b", "a"), List.of(List.of("a b"), List.of("b")));
    assertScore(0.5, 0.5, 0.5, c.get("rouge1"), EXACT);
    assertScore(0.5, 0.5, 0.5, c.get("rougeL"), EXACT);
    // Pair 2 has no bigram on either side: P = R = 0 / max(0, 1).
    assertScore(0.5, 0.5, 0.5, c.get("rouge2"), EXACT);
  }

  private static String[] lines(String resource) throws IOException {
    try (InputStream in = RougeTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
    }
  }
}
