package dev.rnn4j.backend.cuda;

import java.util.function.LongConsumer;

/**
 * Launchers of {@code cuda/reductions.cu} and owner of the small device workspace that reductions
 * and error flags read back through: {@value #PARTIALS} doubles of per-block partial sums, one
 * double result and one int flag. Calls that use the workspace hold its lock from the first write
 * to the read-back, so threads sharing a backend do not mix their results.
 */
final class CudaReductions {
  /** Blocks of the first pass, and partial sums in the workspace. */
  static final int PARTIALS = 1024;

  static final long BYTES = 8L * PARTIALS + 16;

  private static final int THREADS = 256;

  private final Device device;
  private final long partials;
  private final long result;
  private final long flag;

  /** Uses {@code workspace}, a device block of at least {@link #BYTES}. */
  CudaReductions(Device device, long workspace) {
    this.device = device;
    this.partials = workspace;
    this.result = workspace + 8L * PARTIALS;
    this.flag = result + 8;
  }

  /** Σ x (or Σ x² with {@code squares}) in double over n floats at {@code x}; synchronises. */
  synchronized double sum(long x, long n, boolean squares) {
    if (n == 0) {
      return 0;
    }
    LaunchConfig first = LaunchConfig.linear(Kernel.REDUCE_PARTIALS, n, PARTIALS);
    device.launch(first, new KernelArgs().ptr(x).l(n).i(squares ? 1 : 0).ptr(partials));
    device.launch(
        new LaunchConfig(Kernel.REDUCE_FINISH, 1, 1, 1, THREADS, 1, 1, 0),
        new KernelArgs().ptr(partials).i(first.gridX()).ptr(result));
    double[] out = new double[1];
    device.copyToHost(out, result, 1);
    return out[0];
  }

  /** Whether all n floats at {@code x} are finite; synchronises. */
  synchronized boolean allFinite(long x, long n, int maxBlocks) {
    if (n == 0) {
      return true;
    }
    device.fill32(flag, 0, 1);
    device.launch(
        LaunchConfig.linear(Kernel.NON_FINITE, n, maxBlocks),
        new KernelArgs().ptr(x).l(n).ptr(flag));
    int[] out = new int[1];
    device.copyToHost(out, flag, 1);
    return out[0] == 0;
  }

  /**
   * Runs {@code body} with the int flag set to {@code initial} and returns the flag's value after
   * it (synchronises). Kernels report errors through it (e.g. the first bad row by atomicMin).
   */
  synchronized int withFlag(int initial, LongConsumer body) {
    device.fill32(flag, initial, 1);
    body.accept(flag);
    int[] out = new int[1];
    device.copyToHost(out, flag, 1);
    return out[0];
  }

  /** Like {@link #withFlag} but also returns the double result slot: {flag, result}. */
  synchronized double[] withFlagAndSum(int initial, LongConsumer body, long x, long n) {
    device.fill32(flag, initial, 1);
    body.accept(flag);
    double s = n == 0 ? 0 : sum(x, n, false);
    int[] out = new int[1];
    device.copyToHost(out, flag, 1);
    return new double[] {out[0], s};
  }
}
