package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceMetricsTest {
  private static final double EPS = 1e-12;

  private static int[] ids(String s) {
    return s.chars().toArray();
  }

  @Test
  void editDistanceOfKnownPairs() {
    assertEquals(3, SequenceMetrics.editDistance(ids("kitten"), ids("sitting")));
    assertEquals(3, SequenceMetrics.editDistance(ids("sitting"), ids("kitten")));
    assertEquals(0, SequenceMetrics.editDistance(ids(""), ids("")));
    assertEquals(4, SequenceMetrics.editDistance(ids(""), ids("abcd")));
    assertEquals(4, SequenceMetrics.editDistance(ids("abcd"), ids("")));
    assertEquals(2, SequenceMetrics.editDistance(ids("ab"), ids("ba")));
    assertEquals(1, SequenceMetrics.editDistance(ids("flaw"), ids("flaws")));
    assertEquals(2, SequenceMetrics.editDistance(ids("flaw"), ids("lawn")));
  }

  /** Full-table recursion, the textbook definition. */
  private static int reference(int[] a, int[] b) {
    int[][] d = new int[a.length + 1][b.length + 1];
    for (int i = 0; i <= a.length; i++) {
      for (int j = 0; j <= b.length; j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
        } else {
          int sub = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
          d[i][j] = Math.min(sub, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        }
      }
    }
    return d[a.length][b.length];
  }

  @Test
  void editDistanceMatchesTheFullTable() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int t = 0; t < 500; t++) {
      int[] a = rng.ints(rng.nextInt(12), 0, 4).toArray();
      int[] b = rng.ints(rng.nextInt(12), 0, 4).toArray();
      assertEquals(reference(a, b), SequenceMetrics.editDistance(a, b), "trial " + t);
    }
  }

  // Three G2P-like predictions: one exact, one substitution, one deletion and one insertion.
  private static final List<int[]> REFS = List.of(ids("KAET"), ids("DAOG"), ids("HHAW"));
  private static final List<int[]> HYPS = List.of(ids("KAET"), ids("DAAG"), ids("HAWX"));

  @Test
  void accuraciesAndErrorRatesByHand() {
    // Positions: 4/4 + 3/4 + (H,H ok; A vs H; W vs A; X vs W) 1/4 = 8/12.
    assertEquals(8.0 / 12, SequenceMetrics.tokenAccuracy(HYPS, REFS), EPS);
    assertEquals(1.0 / 3, SequenceMetrics.sequenceAccuracy(HYPS, REFS), EPS);
    assertEquals(2.0 / 3, SequenceMetrics.wordErrorRate(HYPS, REFS), EPS);
    // Edits: 0 + 1 + 2 (delete one H, insert X) = 3 over 12 reference tokens.
    assertEquals(3.0 / 12, SequenceMetrics.phonemeErrorRate(HYPS, REFS), EPS);
    // A longer hypothesis with the right prefix is not exact and scores only aligned positions.
    assertEquals(1.0, SequenceMetrics.tokenAccuracy(List.of(ids("ABC")), List.of(ids("AB"))), EPS);
    assertEquals(0.0, SequenceMetrics.sequenceAccuracy(List.of(ids("ABC")), List.of(ids("AB"))));
    assertEquals(1.5, SequenceMetrics.phonemeErrorRate(List.of(ids("XYZ")), List.of(ids("AB"))));
  }

  @Test
  void scoresCollectsEverything() {
    Scores s = Scores.of(HYPS, REFS);
    assertEquals(3, s.sequences());
    assertEquals(2.0 / 3, s.wordErrorRate(), EPS);
    assertEquals(0.25, s.phonemeErrorRate(), EPS);
    assertEquals(Bleu.corpus(HYPS, REFS).score(), s.bleu(), EPS);
    assertEquals(
        String.format(
            java.util.Locale.ROOT,
            "n=3 WER 66.67%% PER 25.00%% seq-acc 33.33%% tok-acc 66.67%% BLEU %.2f",
            100 * s.bleu()),
        s.toString());
  }

  @Test
  void rejectsMismatchedOrEmptyInput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SequenceMetrics.sequenceAccuracy(HYPS, REFS.subList(0, 2)));
    assertEquals("3 hypotheses but 2 references; pass one of each", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> SequenceMetrics.wordErrorRate(List.of(), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SequenceMetrics.phonemeErrorRate(List.of(ids("A")), List.of(ids(""))));
  }

  @Test
  void multiReferenceScoresAgainstTheClosestReference() {
    // "tomato": hypothesis 0 matches the second pronunciation, hypothesis 1 is one edit from the
    // first (4 tokens) and two from the second (3 tokens), hypothesis 2 has a single reference.
    List<int[]> hyps = List.of(ids("tmeto"), ids("abcx"), ids("xyz"));
    List<List<int[]>> refs =
        List.of(
            List.of(ids("tmato"), ids("tmeto")),
            List.of(ids("abcd"), ids("ab")),
            List.of(ids("xyw")));
    assertEquals(
        "tmeto", new String(SequenceMetrics.closestReference(hyps.get(0), refs.get(0)), 0, 5));
    Scores m = Scores.ofMultiReference(hyps, refs);
    assertEquals(2.0 / 3, m.wordErrorRate(), EPS, "only the first word is right");
    // edits 0 + 1 + 1 over the chosen references' lengths 5 + 4 + 3.
    assertEquals(2.0 / 12, m.phonemeErrorRate(), EPS);
    // Against the first references only, the first word is wrong too.
    Scores first = Scores.of(hyps, List.of(refs.get(0).get(0), refs.get(1).get(0), ids("xyw")));
    assertEquals(1.0, first.wordErrorRate(), EPS);
    assertEquals(3.0 / 12, first.phonemeErrorRate(), EPS);
  }

  @Test
  void closestReferencePrefersTheEarlierOnATieAndRejectsNone() {
    int[] a = ids("ab");
    int[] b = ids("ac");
    assertEquals(a, SequenceMetrics.closestReference(ids("ax"), List.of(a, b)));
    assertEquals(b, SequenceMetrics.closestReference(ids("ax"), List.of(b, a)));
    assertThrows(
        IllegalArgumentException.class, () -> SequenceMetrics.closestReference(a, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SequenceMetrics.closestReferences(List.of(a), List.of()));
  }
}
