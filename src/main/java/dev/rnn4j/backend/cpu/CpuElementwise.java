package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.f;
import static dev.rnn4j.backend.cpu.CpuViews.i;
import static dev.rnn4j.backend.cpu.CpuViews.lens;
import static dev.rnn4j.backend.cpu.CpuViews.sameSize;

import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The CPU twin of {@code CudaElementwise} ({@code cuda/elementwise.cu}, {@code dropout.cu}, {@code
 * optim.cu}): elementwise maps over whole tensors, strided 2-D copies and fills, bias rows and
 * column sums, the sequence helpers, dropout and the optimiser steps; also {@code scaleRows}, which
 * has no CUDA kernel. Formulas are those of {@link dev.rnn4j.backend.Backend}; each op overwrites
 * its output except where that says it accumulates ({@code addRowVector}, {@code
 * scatterAddLastStep}, {@code beta} terms). Loops split over {@link CpuParallel}; dropout, Adam and
 * SGD run through {@link VecOps}' heap-array chunks.
 */
final class CpuElementwise {
  private final CpuBackend backend;
  private final CpuParallel parallel;
  private final CellLoops cells;
  private final CpuGemmEngine gemm;

  /**
   * Ops on {@code parallel}'s threads; {@code tanh} as {@code cells} computes it, column sums as
   * one product on {@code gemm} with a row of ones allocated from {@code backend}.
   */
  CpuElementwise(CpuBackend backend, CpuParallel parallel, CellLoops cells, CpuGemmEngine gemm) {
    this.backend = backend;
    this.parallel = parallel;
    this.cells = cells;
    this.gemm = gemm;
  }

  void copy(Mat src, Mat dst) {
    if (src.rows() != dst.rows() || src.cols() != dst.cols()) {
      throw new IllegalArgumentException("copy: view " + src + " into " + dst);
    }
    FloatBuffer s = f(src.tensor());
    FloatBuffer d = f(dst.tensor());
    int cols = src.cols();
    for (int r = 0; r < src.rows(); r++) {
      d.put(
          (int) (dst.offset() + (long) r * dst.ld()),
          s,
          (int) (src.offset() + (long) r * src.ld()),
          cols);
    }
  }

  void transpose(Mat src, Mat dst) {
    int rows = src.rows();
    int cols = src.cols();
    if (dst.rows() != cols || dst.cols() != rows) {
      throw new IllegalArgumentException(
          "transpose: "
              + src
              + " into "
              + dst
              + "; expected a "
              + cols
              + "x"
              + rows
              + " destination");
    }
    FloatBuffer s = f(src.tensor());
    FloatBuffer d = f(dst.tensor());
    // Blocks of up to 128 source rows go through heap arrays: bulk row reads, then one bulk write
    // of a 128-float segment per destination row (direct-buffer element access is far slower).
    int block = 128;
    int blocks = (rows + block - 1) / block;
    parallel.forRange(
        blocks,
        (long) block * cols,
        (lo, hi) -> {
          float[] in = new float[block * cols];
          float[] seg = new float[block];
          for (int bi = lo; bi < hi; bi++) {
            int r0 = bi * block;
            int n = Math.min(block, rows - r0);
            for (int r = 0; r < n; r++) {
              s.get((int) (src.offset() + (long) (r0 + r) * src.ld()), in, r * cols, cols);
            }
            for (int c = 0; c < cols; c++) {
              for (int r = 0; r < n; r++) {
                seg[r] = in[r * cols + c];
              }
              d.put((int) (dst.offset() + (long) c * dst.ld() + r0), seg, 0, n);
            }
          }
        });
  }

  void fill(Mat x, float value) {
    FloatBuffer d = f(x.tensor());
    for (int r = 0; r < x.rows(); r++) {
      int p = (int) (x.offset() + (long) r * x.ld());
      for (int c = 0; c < x.cols(); c++) {
        d.put(p + c, value);
      }
    }
  }

  void axpby(float alpha, Tensor x, float beta, Tensor y) {
    sameSize("axpby", x, y);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange(
        (int) x.numel(),
        1,
        (lo, hi) -> {
          for (int k = lo; k < hi; k++) {
            ys.put(k, alpha * xs.get(k) + (beta == 0f ? 0f : beta * ys.get(k)));
          }
        });
  }

  void mul(Tensor a, Tensor b, Tensor out) {
    sameSize("mul", a, b);
    sameSize("mul", a, out);
    FloatBuffer as = f(a);
    FloatBuffer bs = f(b);
    FloatBuffer os = f(out);
    parallel.forRange(
        (int) a.numel(),
        1,
        (lo, hi) -> {
          for (int k = lo; k < hi; k++) {
            os.put(k, as.get(k) * bs.get(k));
          }
        });
  }

  void scale(Tensor x, float alpha) {
    FloatBuffer xs = f(x);
    parallel.forRange(
        (int) x.numel(),
        1,
        (lo, hi) -> {
          for (int k = lo; k < hi; k++) {
            xs.put(k, alpha * xs.get(k));
          }
        });
  }

  void scaleRows(Tensor x, Tensor scale) {
    int[] d = x.shape().dims();
    int cols = d[d.length - 1];
    int rows = (int) (x.numel() / Math.max(1, cols));
    if (scale.numel() != rows) {
      throw new IllegalArgumentException(
          "scaleRows: " + scale.numel() + " scales for " + rows + " rows of " + x.shape());
    }
    FloatBuffer xs = f(x);
    FloatBuffer ss = f(scale);
    parallel.forRange(
        rows,
        cols,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            float k = ss.get(r);
            for (int c = r * cols; c < (r + 1) * cols; c++) {
              xs.put(c, k * xs.get(c));
            }
          }
        });
  }

  void addRowVector(Mat m, Tensor bias) {
    if (bias.numel() != m.cols()) {
      throw new IllegalArgumentException(
          "addRowVector: bias has " + bias.numel() + " elements, rows have " + m.cols());
    }
    FloatBuffer d = f(m.tensor());
    FloatBuffer bs = f(bias);
    int cols = m.cols();
    parallel.forRange(
        m.rows(),
        cols,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int p = (int) (m.offset() + (long) r * m.ld());
            for (int j = 0; j < cols; j++) {
              d.put(p + j, d.get(p + j) + bs.get(j));
            }
          }
        });
  }

  void sumRows(Mat m, Tensor out, float beta) {
    if (out.numel() != m.cols()) {
      throw new IllegalArgumentException(
          "sumRows: output has " + out.numel() + " elements, rows have " + m.cols());
    }
    if (m.rows() == 0) {
      scale(out, beta);
      return;
    }
    // out (1, cols) = 1^T (1, rows) · m (rows, cols) + beta · out: one GEMM, far faster than a
    // loop for the large column sums of bias gradients (e.g. 1,920 x 8,000 logits).
    try (Tensor ones = backend.zeros(DType.FLOAT32, Shape.of(1, m.rows()))) {
      backend.fill(ones, 1f);
      gemm.gemm(Mat.of(ones), false, m, false, new Mat(out, 0, 1, m.cols(), m.cols()), 1f, beta);
    }
  }

  void tanh(Tensor x, Tensor y) {
    sameSize("tanh", x, y);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange((int) x.numel(), 8, (lo, hi) -> cells.tanh(xs, ys, lo, hi));
  }

  void tanhBackward(Tensor y, Tensor dy, Tensor dx, float beta) {
    sameSize("tanhBackward", y, dy);
    sameSize("tanhBackward", y, dx);
    FloatBuffer ys = f(y);
    FloatBuffer dys = f(dy);
    FloatBuffer dxs = f(dx);
    parallel.forRange(
        (int) y.numel(),
        1,
        (lo, hi) -> {
          for (int k = lo; k < hi; k++) {
            float v = ys.get(k);
            float g = dys.get(k) * (1f - v * v);
            dxs.put(k, beta == 0f ? g : beta * dxs.get(k) + g);
          }
        });
  }

  // ---------------------------------------------------------------- sequence helpers

  private static int[] btf(String op, Tensor seq) {
    Shape s = seq.shape();
    if (s.rank() != 3) {
      throw new IllegalArgumentException(op + ": expected a (B, T, F) tensor, got " + s);
    }
    return s.dims();
  }

  private static int length(IntBuffer lens, int b, int steps) {
    return lens == null ? steps : lens.get(b);
  }

  void reverseSequences(Tensor src, Tensor dst, Tensor lengths) {
    int[] d = btf("reverseSequences", src);
    if (!src.shape().equals(dst.shape())) {
      throw new IllegalArgumentException(
          "reverseSequences: src " + src.shape() + " and dst " + dst.shape() + " differ");
    }
    FloatBuffer s = f(src);
    FloatBuffer o = f(dst);
    IntBuffer lens = lens(lengths);
    int steps = d[1];
    int feat = d[2];
    for (int b = 0; b < d[0]; b++) {
      int len = length(lens, b, steps);
      int base = b * steps * feat;
      for (int t = 0; t < steps; t++) {
        int to = base + t * feat;
        if (t < len) {
          o.put(to, s, base + (len - 1 - t) * feat, feat);
        } else {
          for (int j = 0; j < feat; j++) {
            o.put(to + j, 0f);
          }
        }
      }
    }
  }

  void gatherLastStep(Tensor seq, Tensor lengths, Tensor out) {
    int[] d = btf("gatherLastStep", seq);
    if (out.numel() != (long) d[0] * d[2]) {
      throw new IllegalArgumentException(
          "gatherLastStep: out " + out.shape() + " is not (B, F) for seq " + seq.shape());
    }
    FloatBuffer s = f(seq);
    FloatBuffer o = f(out);
    IntBuffer lens = lens(lengths);
    for (int b = 0; b < d[0]; b++) {
      int t = length(lens, b, d[1]) - 1;
      o.put(b * d[2], s, (b * d[1] + t) * d[2], d[2]);
    }
  }

  void scatterAddLastStep(Tensor x, Tensor lengths, Tensor seq) {
    int[] d = btf("scatterAddLastStep", seq);
    if (x.numel() != (long) d[0] * d[2]) {
      throw new IllegalArgumentException(
          "scatterAddLastStep: x " + x.shape() + " is not (B, F) for seq " + seq.shape());
    }
    FloatBuffer s = f(seq);
    FloatBuffer xs = f(x);
    IntBuffer lens = lens(lengths);
    for (int b = 0; b < d[0]; b++) {
      int p = (b * d[1] + length(lens, b, d[1]) - 1) * d[2];
      for (int j = 0; j < d[2]; j++) {
        s.put(p + j, s.get(p + j) + xs.get(b * d[2] + j));
      }
    }
  }

  void maskKeys(Tensor scores, Tensor lengths, float value) {
    int[] d = btf("maskKeys", scores);
    FloatBuffer s = f(scores);
    IntBuffer lens = i(lengths);
    for (int b = 0; b < d[0]; b++) {
      int len = lens.get(b);
      for (int q = 0; q < d[1]; q++) {
        int p = (b * d[1] + q) * d[2];
        for (int k = len; k < d[2]; k++) {
          s.put(p + k, value);
        }
      }
    }
  }

  // ---------------------------------------------------------------- dropout, optimiser steps

  void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
    }
    sameSize("dropout", x, mask);
    sameSize("dropout", x, y);
    FloatBuffer xs = f(x);
    FloatBuffer ms = f(mask);
    FloatBuffer ys = f(y);
    parallel.forRange((int) x.numel(), 4, (lo, hi) -> VecOps.dropout(xs, ms, ys, lo, hi, seed, p));
  }

  void adam(
      Tensor w,
      Tensor g,
      Tensor m,
      Tensor v,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      long step) {
    sameSize("adamUpdate", w, g);
    sameSize("adamUpdate", w, m);
    sameSize("adamUpdate", w, v);
    if (step < 1) {
      throw new IllegalArgumentException("adamUpdate: step is 1-based, got " + step);
    }
    FloatBuffer ws = f(w);
    FloatBuffer gs = f(g);
    FloatBuffer ms = f(m);
    FloatBuffer vs = f(v);
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    float stepSize = (float) (lr / bc1);
    float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
    float decay = lr * weightDecay;
    parallel.forRange(
        (int) w.numel(),
        1,
        (lo, hi) ->
            VecOps.adam(ws, gs, ms, vs, lo, hi, beta1, beta2, stepSize, invSqrtBc2, eps, decay));
  }

  void sgd(Tensor w, Tensor g, Tensor buf, float lr, float momentum) {
    sameSize("sgdUpdate", w, g);
    FloatBuffer ws = f(w);
    FloatBuffer gs = f(g);
    FloatBuffer bs = momentum == 0f ? null : f(buf);
    parallel.forRange((int) w.numel(), 1, (lo, hi) -> VecOps.sgd(ws, gs, bs, lo, hi, lr, momentum));
  }
}
