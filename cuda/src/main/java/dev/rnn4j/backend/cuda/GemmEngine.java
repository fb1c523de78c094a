package dev.rnn4j.backend.cuda;

/**
 * Row-major single-precision GEMM on device addresses: for i in [0, count), C_i = alpha op(A_i)
 * op(B_i) + beta C_i with X_i = X + i * strideX elements; op(A) (m, k), op(B) (k, n), C (m, n);
 * lda, ldb, ldc are row-major leading dimensions. {@code beta == 0} never reads C. Callers handle
 * m, n or k of 0 ({@link CudaGemmEngine}, which checks the views, is the caller). Implementations:
 * {@link CublasGemm} (cuBLAS 13) and {@link KernelGemm} (our fallback kernel).
 */
interface GemmEngine extends AutoCloseable {
  void gemm(
      boolean transA,
      boolean transB,
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
      int count);

  /** What runs the GEMMs, for logs (e.g. "cuBLAS 13.1.0"). */
  String describe();

  @Override
  void close();
}
