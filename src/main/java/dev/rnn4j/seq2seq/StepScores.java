package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The log-probabilities (M, V) of one decoder step as beam search reads them: the {@code cand} best
 * of each row, taken on the backend ({@link Backend#topK}), so that only M·cand values cross to the
 * host; the whole matrix is downloaded only when a row needs more (the forced EOS at the length
 * limit, or more allowed tokens than the best {@code cand} hold), once per step. Not thread-safe;
 * valid while the tensor is open.
 */
final class StepScores {
  private final Backend be;
  private final Tensor logProbs;
  private final int v;
  private final int cand;
  private final float[] values;
  private final int[] indices;
  private float[] full;

  StepScores(Backend be, Tensor logProbs, int rows, int v, int cand) {
    this.be = be;
    this.logProbs = logProbs;
    this.v = v;
    this.cand = Math.min(cand, v);
    this.values = new float[rows * this.cand];
    this.indices = new int[rows * this.cand];
    be.topK(logProbs, this.cand, values, indices);
  }

  /** log p(tok) in row {@code row}. */
  float logProb(int row, int tok) {
    for (int i = row * cand; i < (row + 1) * cand; i++) {
      if (indices[i] == tok) {
        return values[i];
      }
    }
    return full()[row * v + tok];
  }

  /**
   * Up to {@code want} tokens of row {@code row} that {@code allowed} accepts, best first (ties to
   * the smaller id), written to {@code toks} and {@code lps}; returns how many.
   */
  int best(int row, int want, IntPredicate allowed, int[] toks, float[] lps) {
    int n = 0;
    for (int i = row * cand; i < (row + 1) * cand && n < want; i++) {
      if (allowed.test(indices[i])) {
        toks[n] = indices[i];
        lps[n++] = values[i];
      }
    }
    if (n == want || cand == v) {
      return n;
    }
    // The best cand held too few allowed tokens: rank the whole row (rare).
    float[] all = full();
    Integer[] order = new Integer[v];
    for (int t = 0; t < v; t++) {
      order[t] = t;
    }
    int off = row * v;
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Float.compare(nan(all[off + b]), nan(all[off + a]));
          return c != 0 ? c : Integer.compare(a, b);
        });
    n = 0;
    for (int i = 0; i < v && n < want; i++) {
      if (allowed.test(order[i])) {
        toks[n] = order[i];
        lps[n++] = all[off + order[i]];
      }
    }
    return n;
  }

  private static float nan(float x) {
    return Float.isNaN(x) ? Float.NEGATIVE_INFINITY : x;
  }

  private float[] full() {
    if (full == null) {
      full = be.download(logProbs);
    }
    return full;
  }
}
