package dev.rnn4j.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-4 with one reference per hypothesis (Papineni et al. 2002): the geometric mean of the
 * modified n-gram precisions p1..p4, each summed over the corpus before dividing, times the brevity
 * penalty BP = 1 if c > r, else exp(1 - r/c), where c and r are the total hypothesis and reference
 * lengths. No smoothing: if some p_n is 0, BLEU is 0.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class Bleu {
  /** Highest n-gram order. */
  public static final int MAX_ORDER = 4;

  private Bleu() {}

  /**
   * BLEU and its parts.
   *
   * @param score BLEU in [0, 1]
   * @param precisions modified precisions p1..p4 (0 where there are no n-grams of that order)
   * @param brevityPenalty BP in (0, 1], or 0 when the hypotheses are all empty
   * @param hypothesisLength c, total hypothesis tokens
   * @param referenceLength r, total reference tokens
   */
  public record Result(
      double score,
      double[] precisions,
      double brevityPenalty,
      long hypothesisLength,
      long referenceLength) {}

  /** Corpus BLEU-4 of {@code hyps} against {@code refs} (parallel lists of token ids). */
  public static Result corpus(List<int[]> hyps, List<int[]> refs) {
    SequenceMetrics.check(hyps, refs);
    long[] matches = new long[MAX_ORDER];
    long[] totals = new long[MAX_ORDER];
    long c = 0;
    long r = 0;
    for (int s = 0; s < hyps.size(); s++) {
      int[] h = hyps.get(s);
      int[] ref = refs.get(s);
      c += h.length;
      r += ref.length;
      for (int n = 1; n <= MAX_ORDER; n++) {
        Map<Gram, Integer> refCounts = counts(ref, n);
        for (Map.Entry<Gram, Integer> e : counts(h, n).entrySet()) {
          matches[n - 1] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
        }
        totals[n - 1] += Math.max(0, h.length - n + 1);
      }
    }
    double[] p = new double[MAX_ORDER];
    double logSum = 0;
    boolean zero = false;
    for (int n = 0; n < MAX_ORDER; n++) {
      p[n] = totals[n] == 0 ? 0 : (double) matches[n] / totals[n];
      if (p[n] == 0) {
        zero = true;
      } else {
        logSum += Math.log(p[n]) / MAX_ORDER;
      }
    }
    double bp = c == 0 ? 0 : c > r ? 1 : Math.exp(1.0 - (double) r / c);
    double score = zero ? 0 : bp * Math.exp(logSum);
    return new Result(score, p, bp, c, r);
  }

  /** An n-gram as a key. */
  private record Gram(int[] ids) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Gram g && Arrays.equals(ids, g.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return Arrays.toString(ids);
    }
  }

  private static Map<Gram, Integer> counts(int[] seq, int n) {
    Map<Gram, Integer> m = new HashMap<>();
    for (int i = 0; i + n <= seq.length; i++) {
      m.merge(new Gram(Arrays.copyOfRange(seq, i, i + n)), 1, Integer::sum);
    }
    return m;
  }
}
