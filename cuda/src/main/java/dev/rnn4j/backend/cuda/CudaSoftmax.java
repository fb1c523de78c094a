package dev.rnn4j.backend.cuda;

import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * Launchers of {@code cuda/softmax.cu}: one block per row, 32 to 512 threads picked from V (about 8
 * or more elements per thread), warp-shuffle and shared-memory reductions inside the block.
 */
final class CudaSoftmax {
  private static final int MAX_ROW_BLOCKS = 65535;

  private final Device device;
  private final CudaReductions reductions;
  private final int maxBlocks;

  CudaSoftmax(Device device, CudaReductions reductions, int maxBlocks) {
    this.device = device;
    this.reductions = reductions;
    this.maxBlocks = maxBlocks;
  }

  /** Threads per row block for V columns: a multiple of 32 in [32, 512]. */
  static int threadsFor(int cols) {
    int want = (cols + 7) / 8;
    return Math.max(32, Math.min(512, (want + 31) / 32 * 32));
  }

  private void rowKernel(Kernel k, int rows, int cols, KernelArgs args) {
    if (rows > 0 && cols > 0) {
      device.launch(LaunchConfig.rows(k, rows, threadsFor(cols), MAX_ROW_BLOCKS), args);
    }
  }

  private static int[] rowsCols(Tensor x) {
    Mat m = Mat.of(x);
    return new int[] {m.rows(), m.cols()};
  }

  void softmax(Tensor x, Tensor y) {
    Views.sameSize("softmax", x, y);
    int[] rc = rowsCols(x);
    rowKernel(
        Kernel.SOFTMAX_FORWARD,
        rc[0],
        rc[1],
        new KernelArgs()
            .ptr(Views.floats("softmax", x))
            .ptr(Views.floats("softmax", y))
            .i(rc[0])
            .i(rc[1]));
  }

  void logSoftmax(Tensor x, Tensor y) {
    Views.sameSize("logSoftmax", x, y);
    int[] rc = rowsCols(x);
    rowKernel(
        Kernel.LOG_SOFTMAX_FORWARD,
        rc[0],
        rc[1],
        new KernelArgs()
            .ptr(Views.floats("logSoftmax", x))
            .ptr(Views.floats("logSoftmax", y))
            .i(rc[0])
            .i(rc[1]));
  }

  void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
    String op = "softmaxBackward";
    Views.sameSize(op, y, dy);
    Views.sameSize(op, y, dx);
    int[] rc = rowsCols(y);
    rowKernel(
        Kernel.SOFTMAX_BACKWARD,
        rc[0],
        rc[1],
        new KernelArgs()
            .ptr(Views.floats(op, y))
            .ptr(Views.floats(op, dy))
            .ptr(Views.floats(op, dx))
            .i(rc[0])
            .i(rc[1]));
  }

  private static int[] checkLoss(String op, Tensor logits, Tensor targets, Tensor other) {
    Views.sameSize(op, logits, other);
    int[] rc = rowsCols(logits);
    if (targets.numel() != rc[0]) {
      throw new IllegalArgumentException(
          op + ": " + targets.numel() + " targets for " + rc[0] + " rows of " + logits.shape());
    }
    return rc;
  }

  double crossEntropyForward(
      Tensor logits,
      Tensor targets,
      int ignoreIndex,
      float smoothing,
      Tensor probs,
      Tensor losses) {
    String op = "crossEntropyForward";
    int[] rc = checkLoss(op, logits, targets, probs);
    if (losses.numel() != rc[0]) {
      throw new IllegalArgumentException(
          op + ": losses has " + losses.numel() + " entries for " + rc[0] + " rows");
    }
    if (rc[0] == 0) {
      return 0;
    }
    long lossAddr = Views.floats(op, losses);
    long targetAddr = Views.ints(op, targets);
    double[] flagAndSum =
        reductions.withFlagAndSum(
            Integer.MAX_VALUE,
            flag ->
                rowKernel(
                    Kernel.CROSS_ENTROPY_FORWARD,
                    rc[0],
                    Math.max(rc[1], 1),
                    new KernelArgs()
                        .ptr(Views.floats(op, logits))
                        .ptr(targetAddr)
                        .i(ignoreIndex)
                        .f(smoothing)
                        .ptr(Views.floats(op, probs))
                        .ptr(lossAddr)
                        .ptr(flag)
                        .i(rc[0])
                        .i(rc[1])),
            lossAddr,
            rc[0]);
    int bad = (int) flagAndSum[0];
    if (bad != Integer.MAX_VALUE) {
      int[] t = new int[1];
      device.copyToHost(t, targetAddr + 4L * bad, 1);
      throw new IllegalArgumentException(
          "cross-entropy: target "
              + t[0]
              + " at row "
              + bad
              + " is outside [0, "
              + rc[1]
              + ") and is not the ignore index "
              + ignoreIndex);
    }
    return flagAndSum[1];
  }

  void crossEntropyBackward(
      Tensor probs, Tensor targets, int ignoreIndex, float smoothing, float scale, Tensor dLogits) {
    String op = "crossEntropyBackward";
    int[] rc = checkLoss(op, probs, targets, dLogits);
    long n = (long) rc[0] * rc[1];
    if (n == 0) {
      return;
    }
    device.launch(
        LaunchConfig.linear(Kernel.CROSS_ENTROPY_BACKWARD, n, maxBlocks),
        new KernelArgs()
            .ptr(Views.floats(op, probs))
            .ptr(Views.ints(op, targets))
            .i(ignoreIndex)
            .f(smoothing)
            .f(scale)
            .ptr(Views.floats(op, dLogits))
            .i(rc[0])
            .i(rc[1]));
  }
}
