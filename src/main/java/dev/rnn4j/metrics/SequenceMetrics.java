package dev.rnn4j.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accuracy and error rates of predicted token sequences against references, corpus-level. Each
 * method takes hypotheses and references as parallel lists of token ids, without BOS, EOS or PAD.
 *
 * <p>The G2P convention (e.g. Yao and Zweig 2015): <i>word error rate</i> is the fraction of
 * sequences (words) not predicted exactly; <i>phoneme error rate</i> is the total token edit
 * distance divided by the total reference length.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class SequenceMetrics {
  private SequenceMetrics() {}

  /** Levenshtein distance: fewest insertions, deletions and substitutions turning a into b. */
  public static int editDistance(int[] a, int[] b) {
    if (a.length < b.length) {
      return editDistance(b, a);
    }
    // One row of the DP table over the shorter sequence b.
    int[] row = new int[b.length + 1];
    for (int j = 0; j <= b.length; j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length; i++) {
      int diag = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length; j++) {
        int up = row[j];
        int sub = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
        row[j] = Math.min(sub, Math.min(up, row[j - 1]) + 1);
        diag = up;
      }
    }
    return row[b.length];
  }

  /**
   * Position-wise token accuracy: the number of positions i &lt; |ref| where hyp[i] == ref[i],
   * divided by the total reference length. Extra hypothesis tokens are not counted.
   */
  public static double tokenAccuracy(List<int[]> hyps, List<int[]> refs) {
    check(hyps, refs);
    long correct = 0;
    long total = totalLength(refs);
    for (int s = 0; s < refs.size(); s++) {
      int[] h = hyps.get(s);
      int[] r = refs.get(s);
      for (int i = 0; i < Math.min(h.length, r.length); i++) {
        if (h[i] == r[i]) {
          correct++;
        }
      }
    }
    return (double) correct / total;
  }

  /** Fraction of sequences predicted exactly. */
  public static double sequenceAccuracy(List<int[]> hyps, List<int[]> refs) {
    check(hyps, refs);
    int exact = 0;
    for (int s = 0; s < refs.size(); s++) {
      if (Arrays.equals(hyps.get(s), refs.get(s))) {
        exact++;
      }
    }
    return (double) exact / refs.size();
  }

  /** Word error rate as in G2P papers: 1 - {@link #sequenceAccuracy}. */
  public static double wordErrorRate(List<int[]> hyps, List<int[]> refs) {
    return 1.0 - sequenceAccuracy(hyps, refs);
  }

  /** Phoneme (token) error rate: Σ editDistance(hyp, ref) / Σ |ref|; may exceed 1. */
  public static double phonemeErrorRate(List<int[]> hyps, List<int[]> refs) {
    check(hyps, refs);
    long total = totalLength(refs);
    long edits = 0;
    for (int s = 0; s < refs.size(); s++) {
      edits += editDistance(hyps.get(s), refs.get(s));
    }
    return (double) edits / total;
  }

  /**
   * The reference closest to {@code hyp}: fewest edits ({@link #editDistance}), the earlier one on
   * a tie. For tasks where an input has several correct outputs (a word with alternate
   * pronunciations), scoring each hypothesis against its closest reference counts an output as
   * correct when it matches any of them.
   *
   * @param hyp one hypothesis (token ids)
   * @param refs its references, at least one
   */
  public static int[] closestReference(int[] hyp, List<int[]> refs) {
    if (refs == null || refs.isEmpty()) {
      throw new IllegalArgumentException("a hypothesis needs at least one reference, got none");
    }
    int[] best = null;
    int bestEdits = Integer.MAX_VALUE;
    for (int[] r : refs) {
      int e = editDistance(hyp, r);
      if (e < bestEdits) {
        best = r;
        bestEdits = e;
      }
    }
    return best;
  }

  /**
   * For each hypothesis, its {@link #closestReference} among its own references: the single
   * references that every metric here then scores against.
   *
   * @param hyps hypotheses
   * @param refSets each hypothesis's references (parallel to {@code hyps}), each at least one
   */
  public static List<int[]> closestReferences(List<int[]> hyps, List<List<int[]>> refSets) {
    if (hyps.size() != refSets.size()) {
      throw new IllegalArgumentException(
          hyps.size()
              + " hypotheses but "
              + refSets.size()
              + " reference sets; pass one set per hypothesis");
    }
    List<int[]> out = new ArrayList<>(hyps.size());
    for (int s = 0; s < hyps.size(); s++) {
      out.add(closestReference(hyps.get(s), refSets.get(s)));
    }
    return out;
  }

  static void check(List<int[]> hyps, List<int[]> refs) {
    if (hyps.size() != refs.size()) {
      throw new IllegalArgumentException(
          hyps.size() + " hypotheses but " + refs.size() + " references; pass one of each");
    }
    if (refs.isEmpty()) {
      throw new IllegalArgumentException("no sequences to score");
    }
  }

  private static long totalLength(List<int[]> refs) {
    long total = 0;
    for (int[] r : refs) {
      total += r.length;
    }
    if (total == 0) {
      throw new IllegalArgumentException(
          "the references hold no tokens, so a per-token rate is undefined");
    }
    return total;
  }
}
