package dev.rnn4j.backend.cuda;

import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * Launchers of {@code cuda/elementwise.cu}, {@code dropout.cu} and {@code optim.cu}: elementwise
 * maps over whole tensors, strided 2-D copies and fills, bias rows and column sums, the sequence
 * helpers, dropout and the optimiser steps. All 1-D grid-stride launches except {@code sum_rows}.
 */
final class CudaElementwise {
  private static final int SUM_ROWS_Y = 16;
  private static final int MAX_GRID = 65535;

  private final Device device;
  private final int maxBlocks;

  CudaElementwise(Device device, int maxBlocks) {
    this.device = device;
    this.maxBlocks = maxBlocks;
  }

  private void linear(Kernel k, long n, KernelArgs args) {
    if (n > 0) {
      device.launch(LaunchConfig.linear(k, n, maxBlocks), args);
    }
  }

  void axpby(float alpha, Tensor x, float beta, Tensor y) {
    Views.sameSize("axpby", x, y);
    long n = x.numel();
    linear(
        Kernel.AXPBY,
        n,
        new KernelArgs()
            .l(n)
            .f(alpha)
            .ptr(Views.floats("axpby", x))
            .f(beta)
            .ptr(Views.floats("axpby", y)));
  }

  void mul(Tensor a, Tensor b, Tensor out) {
    Views.sameSize("mul", a, b);
    Views.sameSize("mul", a, out);
    long n = a.numel();
    linear(
        Kernel.MUL,
        n,
        new KernelArgs()
            .l(n)
            .ptr(Views.floats("mul", a))
            .ptr(Views.floats("mul", b))
            .ptr(Views.floats("mul", out)));
  }

  void scale(Tensor x, float alpha) {
    long n = x.numel();
    linear(Kernel.SCALE, n, new KernelArgs().l(n).ptr(Views.floats("scale", x)).f(alpha));
  }

  void tanh(Tensor x, Tensor y) {
    Views.sameSize("tanh", x, y);
    long n = x.numel();
    linear(
        Kernel.TANH,
        n,
        new KernelArgs().l(n).ptr(Views.floats("tanh", x)).ptr(Views.floats("tanh", y)));
  }

  void tanhBackward(Tensor y, Tensor dy, Tensor dx, float beta) {
    String op = "tanhBackward";
    Views.sameSize(op, y, dy);
    Views.sameSize(op, y, dx);
    long n = y.numel();
    linear(
        Kernel.TANH_BACKWARD,
        n,
        new KernelArgs()
            .l(n)
            .ptr(Views.floats(op, y))
            .ptr(Views.floats(op, dy))
            .ptr(Views.floats(op, dx))
            .f(beta));
  }

  /** dst = src over two views of equal size, of either element type (a bitwise copy). */
  void copy(Mat src, Mat dst) {
    if (src.rows() != dst.rows() || src.cols() != dst.cols()) {
      throw new IllegalArgumentException("copy: view " + src + " into " + dst);
    }
    if (src.tensor().dtype() != dst.tensor().dtype()) {
      throw new IllegalArgumentException(
          "copy: " + src.tensor().dtype() + " into " + dst.tensor().dtype());
    }
    long n = (long) src.rows() * src.cols();
    linear(
        Kernel.COPY2D,
        n,
        new KernelArgs()
            .ptr(Views.cuda(src.tensor()).address(src.offset()))
            .i(src.ld())
            .ptr(Views.cuda(dst.tensor()).address(dst.offset()))
            .i(dst.ld())
            .i(src.rows())
            .i(src.cols()));
  }

  /** dst = src^T: src (rows, cols), dst (cols, rows); 32x32 tiles, blocks of 32x8 threads. */
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
    if (rows == 0 || cols == 0) {
      return;
    }
    int gx = Math.min(65535, (cols + 31) / 32);
    int gy = Math.min(65535, (rows + 31) / 32);
    device.launch(
        new LaunchConfig(Kernel.TRANSPOSE, gx, gy, 1, 32, 8, 1, 0),
        new KernelArgs()
            .ptr(Views.cuda(src.tensor()).address(src.offset()))
            .i(src.ld())
            .ptr(Views.cuda(dst.tensor()).address(dst.offset()))
            .i(dst.ld())
            .i(rows)
            .i(cols));
  }

  void fill(Mat x, float value) {
    long n = (long) x.rows() * x.cols();
    linear(
        Kernel.FILL2D,
        n,
        new KernelArgs().ptr(Views.of("fill", x)).i(x.ld()).i(x.rows()).i(x.cols()).f(value));
  }

  void addRowVector(Mat m, Tensor bias) {
    if (bias.numel() != m.cols()) {
      throw new IllegalArgumentException(
          "addRowVector: bias has " + bias.numel() + " elements, rows have " + m.cols());
    }
    long n = (long) m.rows() * m.cols();
    linear(
        Kernel.ADD_ROW_VECTOR,
        n,
        new KernelArgs()
            .ptr(Views.of("addRowVector", m))
            .i(m.ld())
            .i(m.rows())
            .i(m.cols())
            .ptr(Views.floats("addRowVector", bias)));
  }

  void sumRows(Mat m, Tensor out, float beta) {
    if (out.numel() != m.cols()) {
      throw new IllegalArgumentException(
          "sumRows: output has " + out.numel() + " elements, rows have " + m.cols());
    }
    if (m.cols() == 0) {
      return;
    }
    int blocks = Math.min((m.cols() + 31) / 32, MAX_GRID);
    device.launch(
        new LaunchConfig(Kernel.SUM_ROWS, blocks, 1, 1, 32, SUM_ROWS_Y, 1, 32 * SUM_ROWS_Y * 8),
        new KernelArgs()
            .ptr(Views.of("sumRows", m))
            .i(m.ld())
            .i(m.rows())
            .i(m.cols())
            .ptr(Views.floats("sumRows", out))
            .f(beta));
  }

  void reverseSequences(Tensor src, Tensor dst, Tensor lengths) {
    String op = "reverseSequences";
    int[] d = Views.btf(op, src);
    if (!src.shape().equals(dst.shape())) {
      throw new IllegalArgumentException(
          op + ": src " + src.shape() + " and dst " + dst.shape() + " differ");
    }
    long srcAddr = Views.floats(op, src);
    long dstAddr = Views.floats(op, dst);
    if (srcAddr == dstAddr) {
      throw new IllegalArgumentException(op + ": src and dst must be different tensors");
    }
    linear(
        Kernel.REVERSE_SEQUENCES,
        src.numel(),
        new KernelArgs()
            .ptr(srcAddr)
            .ptr(dstAddr)
            .ptr(Views.lengths(op, lengths, d[0]))
            .i(d[0])
            .i(d[1])
            .i(d[2]));
  }

  void gatherLastStep(Tensor seq, Tensor lengths, Tensor out) {
    String op = "gatherLastStep";
    int[] d = Views.btf(op, seq);
    if (out.numel() != (long) d[0] * d[2]) {
      throw new IllegalArgumentException(
          op + ": out " + out.shape() + " is not (B, F) for seq " + seq.shape());
    }
    linear(
        Kernel.GATHER_LAST_STEP,
        (long) d[0] * d[2],
        new KernelArgs()
            .ptr(Views.floats(op, seq))
            .ptr(Views.lengths(op, lengths, d[0]))
            .ptr(Views.floats(op, out))
            .i(d[0])
            .i(d[1])
            .i(d[2]));
  }

  void scatterAddLastStep(Tensor x, Tensor lengths, Tensor seq) {
    String op = "scatterAddLastStep";
    int[] d = Views.btf(op, seq);
    if (x.numel() != (long) d[0] * d[2]) {
      throw new IllegalArgumentException(
          op + ": x " + x.shape() + " is not (B, F) for seq " + seq.shape());
    }
    linear(
        Kernel.SCATTER_ADD_LAST_STEP,
        (long) d[0] * d[2],
        new KernelArgs()
            .ptr(Views.floats(op, x))
            .ptr(Views.lengths(op, lengths, d[0]))
            .ptr(Views.floats(op, seq))
            .i(d[0])
            .i(d[1])
            .i(d[2]));
  }

  void maskKeys(Tensor scores, Tensor lengths, float value) {
    String op = "maskKeys";
    int[] d = Views.btf(op, scores);
    if (lengths == null) {
      throw new IllegalArgumentException(op + ": lengths is required");
    }
    linear(
        Kernel.MASK_KEYS,
        scores.numel(),
        new KernelArgs()
            .ptr(Views.floats(op, scores))
            .ptr(Views.lengths(op, lengths, d[0]))
            .i(d[0])
            .i(d[1])
            .i(d[2])
            .f(value));
  }

  void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
    String op = "dropout";
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException(op + ": p must be in [0, 1), got " + p);
    }
    Views.sameSize(op, x, mask);
    Views.sameSize(op, x, y);
    long n = x.numel();
    float keep = 1f / (1f - p); // the same float expression as the CPU backend
    linear(
        Kernel.DROPOUT,
        n,
        new KernelArgs()
            .ptr(Views.floats(op, x))
            .l(n)
            .f(p)
            .f(keep)
            .l(seed)
            .ptr(Views.floats(op, mask))
            .ptr(Views.floats(op, y)));
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
    String op = "adamUpdate";
    Views.sameSize(op, w, g);
    Views.sameSize(op, w, m);
    Views.sameSize(op, w, v);
    if (step < 1) {
      throw new IllegalArgumentException(op + ": step is 1-based, got " + step);
    }
    // Bias corrections in double, rounded once, exactly as the CPU backend computes them.
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    float stepSize = (float) (lr / bc1);
    float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
    long n = w.numel();
    linear(
        Kernel.ADAM_UPDATE,
        n,
        new KernelArgs()
            .ptr(Views.floats(op, w))
            .ptr(Views.floats(op, g))
            .ptr(Views.floats(op, m))
            .ptr(Views.floats(op, v))
            .l(n)
            .f(lr)
            .f(beta1)
            .f(beta2)
            .f(eps)
            .f(weightDecay)
            .f(stepSize)
            .f(invSqrtBc2));
  }

  void sgd(Tensor w, Tensor g, Tensor buf, float lr, float momentum) {
    String op = "sgdUpdate";
    Views.sameSize(op, w, g);
    long bufAddr = 0;
    if (momentum != 0f) {
      Views.sameSize(op, w, buf);
      bufAddr = Views.floats(op, buf);
    }
    long n = w.numel();
    linear(
        Kernel.SGD_UPDATE,
        n,
        new KernelArgs()
            .ptr(Views.floats(op, w))
            .ptr(Views.floats(op, g))
            .ptr(bufAddr)
            .l(n)
            .f(lr)
            .f(momentum));
  }
}
