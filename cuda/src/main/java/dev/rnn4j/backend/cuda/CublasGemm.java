package dev.rnn4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cublas.cublasGetVersion_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * GEMM on cuBLAS 13 through the JavaCPP presets ({@code org.bytedeco:cuda}, an optional
 * dependency). The only class that touches them: where the presets or {@code libcublas.so.13} are
 * missing, {@link #open} throws a {@link LinkageError} and the backend uses {@link KernelGemm}.
 *
 * <p>cuBLAS is column-major. A row-major matrix X with leading dimension ld is, read column-major,
 * Xᵀ with the same ld, so row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ: call sgemm
 * with the operands swapped and m, n exchanged; the transpose flags stay with their operands. The
 * device addresses JCuda allocated are wrapped in JavaCPP pointers without copying. FP32 math mode
 * by default (no TF32), so results match the CPU to float rounding; {@link
 * dev.rnn4j.backend.CudaOptions#tf32} lets cuBLAS use TF32 tensor cores (inputs rounded to 10-bit
 * mantissas, as PyTorch's cuDNN RNNs do by default): faster on large products, no longer within
 * float rounding of the CPU. The handle uses the legacy default stream, the same stream as our
 * kernels.
 */
final class CublasGemm implements GemmEngine {
  private final cublasContext handle;
  private final FloatPointer scalars = new FloatPointer(2); // alpha, beta (host pointer mode)
  private final FloatPointer alphaP = scalars.getPointer(0);
  private final FloatPointer betaP = scalars.getPointer(1);
  // Views of the operands, re-aimed at each call (calls are synchronized) instead of new objects.
  private final DeviceFloats pa = new DeviceFloats();
  private final DeviceFloats pb = new DeviceFloats();
  private final DeviceFloats pc = new DeviceFloats();
  private final String version;

  private CublasGemm(cublasContext handle, String version) {
    this.handle = handle;
    this.version = version;
  }

  /**
   * A cuBLAS handle on the device's primary context (which must be current on this thread), in TF32
   * tensor-op math mode where {@code tf32}, else in FP32 (the default math mode). Throws {@link
   * LinkageError} where the presets or the cuBLAS 13 libraries cannot load, {@link
   * CudaFailureException} where cuBLAS loads but fails.
   */
  static CublasGemm open(int ordinal, boolean tf32) {
    Loader.load(cublas.class);
    int rc = cudart.cudaSetDevice(ordinal);
    if (rc != 0) {
      throw new CudaFailureException(
          "cudaSetDevice(" + ordinal + ") failed: " + cudart.cudaGetErrorString(rc).getString());
    }
    cublasContext h = new cublasContext();
    check(cublasCreate_v2(h), "cublasCreate_v2");
    try {
      check(
          cublasSetMathMode(h, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
          "cublasSetMathMode");
      int[] v = new int[1];
      check(cublasGetVersion_v2(h, v), "cublasGetVersion_v2");
      return new CublasGemm(
          h,
          "cuBLAS "
              + v[0] / 10000
              + "."
              + v[0] / 100 % 100
              + "."
              + v[0] % 100
              + (tf32 ? " (TF32 tensor cores)" : ""));
    } catch (RuntimeException e) {
      cublasDestroy_v2(h);
      throw e;
    }
  }

  private static void check(int status, String what) {
    if (status != CUBLAS_STATUS_SUCCESS) {
      BytePointer s = cublasGetStatusString(status);
      throw new CudaFailureException(
          what + " failed: " + (s == null ? "status " + status : s.getString()));
    }
  }

  /** A JavaCPP view of a device address (no memory of its own, never freed). */
  private static final class DeviceFloats extends FloatPointer {
    DeviceFloats() {
      super((Pointer) null);
    }

    DeviceFloats at(long address) {
      this.address = address;
      return this;
    }
  }

  @Override
  public synchronized void gemm(
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
    scalars.put(0, alpha).put(1, beta);
    pa.at(a);
    pb.at(b);
    pc.at(c);
    int opA = ta ? CUBLAS_OP_T : CUBLAS_OP_N;
    int opB = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
    int status =
        count == 1
            ? cublasSgemm_v2(handle, opB, opA, n, m, k, alphaP, pb, ldb, pa, lda, betaP, pc, ldc)
            : cublasSgemmStridedBatched(
                handle, opB, opA, n, m, k, alphaP, pb, ldb, strideB, pa, lda, strideA, betaP, pc,
                ldc, strideC, count);
    if (status != CUBLAS_STATUS_SUCCESS) {
      BytePointer s = cublasGetStatusString(status);
      throw new CudaFailureException(
          (count == 1 ? "cublasSgemm_v2" : "cublasSgemmStridedBatched")
              + " failed: "
              + (s == null ? "status " + status : s.getString())
              + " for row-major "
              + (ta ? "T" : "N")
              + (tb ? "T" : "N")
              + " m="
              + m
              + " n="
              + n
              + " k="
              + k
              + " lda="
              + lda
              + " ldb="
              + ldb
              + " ldc="
              + ldc
              + " count="
              + count);
    }
  }

  @Override
  public String describe() {
    return version;
  }

  @Override
  public synchronized void close() {
    cublasDestroy_v2(handle);
    scalars.close();
  }
}
