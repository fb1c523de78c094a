package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.f;
import static dev.rnn4j.backend.cpu.CpuViews.i;
import static dev.rnn4j.backend.cpu.CpuViews.sameSize;

import dev.rnn4j.backend.TopK;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The CPU twin of {@code CudaSoftmax} ({@code cuda/softmax.cu}): row-wise softmax, log-softmax and
 * softmax backward, the fused softmax–cross-entropy (ignore index, label smoothing) forward and
 * backward, and top-k (no CUDA kernel: the CUDA backend uses {@code Backend.topK}'s default). Rows
 * split over {@link CpuParallel}; the per-row loops below them are the reference for the CUDA
 * kernels. Each overwrites its outputs; reductions accumulate in double.
 */
final class CpuSoftmax {
  private final CpuParallel parallel;

  CpuSoftmax(CpuParallel parallel) {
    this.parallel = parallel;
  }

  private static int[] rowsCols(String op, Tensor x) {
    Mat m = Mat.of(x);
    return new int[] {m.rows(), m.cols()};
  }

  void softmax(Tensor x, Tensor y) {
    sameSize("softmax", x, y);
    int[] rc = rowsCols("softmax", x);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            softmaxRow(xs, ys, r * rc[1], rc[1]);
          }
        });
  }

  void logSoftmax(Tensor x, Tensor y) {
    sameSize("logSoftmax", x, y);
    int[] rc = rowsCols("logSoftmax", x);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            logSoftmaxRow(xs, ys, r * rc[1], rc[1]);
          }
        });
  }

  void topK(Tensor x, int k, float[] values, int[] indices) {
    int[] rc = rowsCols("topK", x);
    if (k < 1 || k > rc[1] || values.length < rc[0] * k || indices.length < rc[0] * k) {
      throw new IllegalArgumentException(
          "topK: k "
              + k
              + " of "
              + rc[1]
              + " columns into arrays of "
              + values.length
              + "/"
              + indices.length
              + " for "
              + rc[0]
              + " rows");
    }
    FloatBuffer xs = f(x);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            TopK.row(xs, r * rc[1], rc[1], k, values, indices, r * k);
          }
        });
  }

  void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
    sameSize("softmaxBackward", y, dy);
    sameSize("softmaxBackward", y, dx);
    int[] rc = rowsCols("softmaxBackward", y);
    FloatBuffer ys = f(y);
    FloatBuffer dys = f(dy);
    FloatBuffer dxs = f(dx);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            softmaxBackwardRow(ys, dys, dxs, r * rc[1], rc[1]);
          }
        });
  }

  private static void checkLoss(String op, Tensor logits, Tensor targets, Tensor other) {
    sameSize(op, logits, other);
    int rows = Mat.of(logits).rows();
    if (targets.numel() != rows) {
      throw new IllegalArgumentException(
          op + ": " + targets.numel() + " targets for " + rows + " rows of " + logits.shape());
    }
  }

  double crossEntropyForward(
      Tensor logits,
      Tensor targets,
      int ignoreIndex,
      float smoothing,
      Tensor probs,
      Tensor losses) {
    checkLoss("crossEntropyForward", logits, targets, probs);
    int[] rc = rowsCols("crossEntropyForward", logits);
    if (losses.numel() != rc[0]) {
      throw new IllegalArgumentException(
          "crossEntropyForward: losses has " + losses.numel() + " entries for " + rc[0] + " rows");
    }
    FloatBuffer xs = f(logits);
    IntBuffer ts = i(targets);
    FloatBuffer ps = f(probs);
    FloatBuffer ls = f(losses);
    for (int r = 0; r < rc[0]; r++) {
      checkTarget(ts, r, rc[1], ignoreIndex);
    }
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int t = ts.get(r);
            if (t == ignoreIndex) {
              ls.put(r, 0f);
              for (int k = 0; k < rc[1]; k++) {
                ps.put(r * rc[1] + k, 0f);
              }
            } else {
              ls.put(r, (float) crossEntropyRow(xs, t, smoothing, ps, r * rc[1], rc[1]));
            }
          }
        });
    double total = 0;
    for (int r = 0; r < rc[0]; r++) {
      total += ls.get(r);
    }
    return total;
  }

  void crossEntropyBackward(
      Tensor probs, Tensor targets, int ignoreIndex, float smoothing, float scale, Tensor dLogits) {
    checkLoss("crossEntropyBackward", probs, targets, dLogits);
    int[] rc = rowsCols("crossEntropyBackward", probs);
    FloatBuffer ps = f(probs);
    IntBuffer ts = i(targets);
    FloatBuffer ds = f(dLogits);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int t = ts.get(r);
            if (t == ignoreIndex) {
              for (int k = 0; k < rc[1]; k++) {
                ds.put(r * rc[1] + k, 0f);
              }
            } else {
              crossEntropyBackwardRow(ps, t, smoothing, scale, ds, r * rc[1], rc[1]);
            }
          }
        });
  }

  // ---------------------------------------------------------------- row loops (the reference)
  // Each handles one row of V entries starting at off; reductions accumulate in double.

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
