package dev.rnn4j.backend.cuda;

/**
 * How one kernel is launched: grid and block dimensions and dynamic shared memory. It appears in
 * every error message about the launch.
 */
record LaunchConfig(
    Kernel kernel,
    int gridX,
    int gridY,
    int gridZ,
    int blockX,
    int blockY,
    int blockZ,
    int sharedBytes) {

  /** Threads per block of the 1-D grid-stride kernels. */
  static final int THREADS = 256;

  LaunchConfig {
    if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
      throw new IllegalArgumentException("empty launch configuration for " + kernel);
    }
    if ((long) blockX * blockY * blockZ > 1024) {
      throw new IllegalArgumentException(
          kernel + ": " + blockX * blockY * blockZ + " threads per block, at most 1024");
    }
  }

  /**
   * A 1-D grid-stride launch over {@code n >= 1} elements: 256 threads per block, enough blocks to
   * cover n but at most {@code maxBlocks} (the kernel's loop covers the rest).
   */
  static LaunchConfig linear(Kernel kernel, long n, int maxBlocks) {
    long blocks = Math.max(1, Math.min((n + THREADS - 1) / THREADS, maxBlocks));
    return new LaunchConfig(kernel, (int) blocks, 1, 1, THREADS, 1, 1, 0);
  }

  /** One block of {@code threads} per row, at most {@code maxBlocks} blocks (rows grid-strided). */
  static LaunchConfig rows(Kernel kernel, int rows, int threads, int maxBlocks) {
    return new LaunchConfig(kernel, Math.max(1, Math.min(rows, maxBlocks)), 1, 1, threads, 1, 1, 0);
  }

  @Override
  public String toString() {
    return kernel.symbol()
        + "<<<grid ("
        + gridX
        + ", "
        + gridY
        + ", "
        + gridZ
        + "), block ("
        + blockX
        + ", "
        + blockY
        + ", "
        + blockZ
        + "), "
        + sharedBytes
        + " B shared>>>";
  }
}
