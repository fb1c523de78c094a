package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {
  private static final double EPS = 1e-12;

  /**
   * Worked by hand. Sentence 1: hyp 1 2 3 4 5 6, ref 1 2 3 4 5 7: n-gram matches 5/6, 4/5, 3/4,
   * 2/3. Sentence 2: hyp 1 1 1 2, ref 1 2 3 4 1: unigrams clipped 1×min(3,2) + 2×1 = 3/4; bigrams
   * (1 1)×2 unmatched, (1 2) matched = 1/3; trigrams 0/2; 4-grams 0/1. Corpus: p1 = 8/10, p2 = 5/8,
   * p3 = 3/6, p4 = 2/4; c = 10, r = 11, BP = exp(1 - 11/10) = exp(-0.1). BLEU = exp(-0.1) · (0.8 ·
   * 0.625 · 0.5 · 0.5)^(1/4) = exp(-0.1) · 2^(-3/4) ≈ 0.5380195.
   */
  @Test
  void matchesAHandComputedCorpus() {
    Bleu.Result r =
        Bleu.corpus(
            List.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {1, 1, 1, 2}),
            List.of(new int[] {1, 2, 3, 4, 5, 7}, new int[] {1, 2, 3, 4, 1}));
    assertArrayEquals(new double[] {0.8, 0.625, 0.5, 0.5}, r.precisions(), EPS);
    assertEquals(10, r.hypothesisLength());
    assertEquals(11, r.referenceLength());
    assertEquals(Math.exp(-0.1), r.brevityPenalty(), EPS);
    assertEquals(Math.exp(-0.1) * Math.pow(2, -0.75), r.score(), EPS);
    assertEquals(0.5380195477245272, r.score(), 1e-15);
  }

  @Test
  void perfectAndHopelessTranslations() {
    List<int[]> refs = List.of(new int[] {1, 2, 3, 4, 5});
    assertEquals(1.0, Bleu.corpus(refs, refs).score(), EPS);
    // No matching 4-gram: BLEU is 0 without smoothing, even though p1..p3 are not.
    Bleu.Result r = Bleu.corpus(List.of(new int[] {1, 2, 3, 9, 5}), refs);
    assertEquals(0.0, r.score());
    assertArrayEquals(new double[] {0.8, 0.5, 1.0 / 3, 0.0}, r.precisions(), EPS);
    // Too short for any 4-gram.
    assertEquals(0.0, Bleu.corpus(List.of(new int[] {1, 2, 3}), refs).score());
    assertEquals(0.0, Bleu.corpus(List.of(new int[] {}), refs).score());
  }

  @Test
  void brevityPenaltyOnlyPunishesShortOutput() {
    List<int[]> refs = List.of(new int[] {1, 2, 3, 4, 5});
    // Longer than the reference: BP = 1, precisions 5/6, 4/5, 3/4, 2/3.
    Bleu.Result longer = Bleu.corpus(List.of(new int[] {1, 2, 3, 4, 5, 6}), refs);
    assertEquals(1.0, longer.brevityPenalty());
    assertEquals(Math.pow(5.0 / 6 * 4.0 / 5 * 3.0 / 4 * 2.0 / 3, 0.25), longer.score(), EPS);
    // Shorter: c = 4, r = 5, BP = exp(1 - 5/4); all precisions 1.
    Bleu.Result shorter = Bleu.corpus(List.of(new int[] {1, 2, 3, 4}), refs);
    assertEquals(Math.exp(-0.25), shorter.score(), EPS);
  }

  @Test
  void clipsRepeatedNgramsToTheReferenceCount() {
    // The classic "the the the ..." example: unigram precision 2/7.
    int the = 1;
    Bleu.Result r =
        Bleu.corpus(
            List.of(new int[] {the, the, the, the, the, the, the}),
            List.of(new int[] {the, 2, 3, 4, the, 5}));
    assertEquals(2.0 / 7, r.precisions()[0], EPS);
    assertEquals(0.0, r.precisions()[1], EPS);
  }
}
