package dev.rnn4j.backend.cuda;

/**
 * GEMM on our own tiled kernel ({@code cuda/gemm.cu}): needs only the driver, so the backend works
 * where cuBLAS cannot load; slower than cuBLAS.
 */
final class KernelGemm implements GemmEngine {
  private static final int TILE = 64;
  private static final int MAX_GRID = 65535;

  private final Device device;

  KernelGemm(Device device) {
    this.device = device;
  }

  @Override
  public void gemm(
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float alpha,
      long a,
      int lda,
      long strideA,
      long b,
      int ldb,
      long strideB,
      float beta,
      long c,
      int ldc,
      long strideC,
      int count) {
    int tilesN = (n + TILE - 1) / TILE;
    int tilesM = (m + TILE - 1) / TILE;
    LaunchConfig cfg =
        new LaunchConfig(
            Kernel.GEMM,
            tilesN,
            Math.min(tilesM, MAX_GRID),
            Math.min(count, MAX_GRID),
            16,
            16,
            1,
            0);
    device.launch(
        cfg,
        new KernelArgs()
            .i(m)
            .i(n)
            .i(k)
            .f(alpha)
            .ptr(a)
            .i(lda)
            .i(ta ? 1 : 0)
            .l(strideA)
            .ptr(b)
            .i(ldb)
            .i(tb ? 1 : 0)
            .l(strideB)
            .f(beta)
            .ptr(c)
            .i(ldc)
            .l(strideC)
            .i(count));
  }

  @Override
  public String describe() {
    return "rnn4j gemm_f32 kernel (cuBLAS not loaded)";
  }

  @Override
  public void close() {}
}
