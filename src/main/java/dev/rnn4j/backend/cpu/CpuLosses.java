package dev.rnn4j.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Row-wise softmax family and fused cross-entropy: the reference for the CUDA kernels. Each method
 * handles one row of V entries starting at {@code off}; reductions accumulate in double.
 */
final class CpuLosses {
  private CpuLosses() {}

  static float rowMax(FloatBuffer x, int off, int v) {
    float m = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < v; k++) {
      m = Math.max(m, x.get(off + k));
    }
    return m;
  }

  /** y = softmax(x) for one row. A row of all -inf gives all zeros. */
  static void softmaxRow(FloatBuffer x, FloatBuffer y, int off, int v) {
    float m = rowMax(x, off, v);
    if (m == Float.NEGATIVE_INFINITY) {
      for (int k = 0; k < v; k++) {
        y.put(off + k, 0f);
      }
      return;
    }
    double s = 0;
    for (int k = 0; k < v; k++) {
      float e = (float) Math.exp(x.get(off + k) - m);
      y.put(off + k, e);
      s += e;
    }
    float inv = (float) (1.0 / s);
    for (int k = 0; k < v; k++) {
      y.put(off + k, y.get(off + k) * inv);
    }
  }

  /** y = x - max - log Σ exp(x - max) for one row; returns the log-sum-exp. */
  static double logSoftmaxRow(FloatBuffer x, FloatBuffer y, int off, int v) {
    float m = rowMax(x, off, v);
    double s = 0;
    for (int k = 0; k < v; k++) {
      s += Math.exp(x.get(off + k) - m);
    }
    double lse = m + Math.log(s);
    for (int k = 0; k < v; k++) {
      y.put(off + k, (float) (x.get(off + k) - lse));
    }
    return lse;
  }

  /** dx = y ⊙ (dy - Σ dy ⊙ y) for one row. */
  static void softmaxBackwardRow(FloatBuffer y, FloatBuffer dy, FloatBuffer dx, int off, int v) {
    double dot = 0;
    for (int k = 0; k < v; k++) {
      dot += (double) dy.get(off + k) * y.get(off + k);
    }
    float d = (float) dot;
    for (int k = 0; k < v; k++) {
      dx.put(off + k, y.get(off + k) * (dy.get(off + k) - d));
    }
  }

  /**
   * Cross-entropy with label smoothing for row r: writes softmax into probs (which may be the
   * logits buffer itself) and returns the loss. loss = -(1-ε) log p[t] - (ε/V) Σ log p.
   */
  static double crossEntropyRow(
      FloatBuffer logits, int target, float eps, FloatBuffer probs, int off, int v) {
    float m = rowMax(logits, off, v);
    float xTarget = logits.get(off + target); // read before probs (which may alias) is written
    double s = 0;
    double sumX = 0;
    for (int k = 0; k < v; k++) {
      float x = logits.get(off + k);
      sumX += x;
      float e = (float) Math.exp(x - m);
      probs.put(off + k, e);
      s += e;
    }
    double lse = m + Math.log(s);
    float inv = (float) (1.0 / s);
    for (int k = 0; k < v; k++) {
      probs.put(off + k, probs.get(off + k) * inv);
    }
    double nllTarget = lse - xTarget;
    double meanNll = lse - sumX / v;
    return (1.0 - eps) * nllTarget + eps * meanNll;
  }

  /** dLogits = scale * (p - (1-ε) onehot(t) - ε/V) for one row. */
  static void crossEntropyBackwardRow(
      FloatBuffer probs, int target, float eps, float scale, FloatBuffer d, int off, int v) {
    float u = eps / v;
    for (int k = 0; k < v; k++) {
      float g = probs.get(off + k) - u - (k == target ? 1f - eps : 0f);
      d.put(off + k, scale * g);
    }
  }

  static int checkTarget(IntBuffer targets, int r, int v, int ignoreIndex) {
    int t = targets.get(r);
    if (t != ignoreIndex && (t < 0 || t >= v)) {
      throw new IllegalArgumentException(
          "cross-entropy: target "
              + t
              + " at row "
              + r
              + " is outside [0, "
              + v
              + ")"
              + " and is not the ignore index "
              + ignoreIndex);
    }
    return t;
  }
}
