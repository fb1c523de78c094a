package dev.rnn4j.backend.cuda;

import static dev.rnn4j.backend.cuda.CudaBackend.GEMM_PROPERTY;

import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.GemmShape;
import dev.rnn4j.tensor.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend's GEMMs (the twin of the CPU backend's {@code CpuGemmEngine}): checks the views
 * of a (strided-batched) product and hands it, as device addresses, to the {@link GemmEngine} that
 * runs it: {@link CublasGemm} (cuBLAS 13) or {@link KernelGemm} (rnn4j's tiled kernel, {@code
 * cuda/gemm.cu}). C = alpha · op(A) · op(B) + beta · C, overwriting C (beta 0: C is not read).
 */
final class CudaGemmEngine {
  /** The backend's logger: the warning is about the backend's GEMMs. */
  private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

  private static volatile String cublasFailure;

  private final Device device;
  private final GemmEngine gemm;

  CudaGemmEngine(Device device, GemmEngine gemm) {
    this.device = device;
    this.gemm = gemm;
  }

  /**
   * The engine {@link CudaOptions#gemm} asks for on {@code device}: {@code KERNEL} rnn4j's kernel;
   * {@code CUBLAS} cuBLAS, or {@link BackendUnavailableException} with the reason it could not
   * load; {@code AUTO} cuBLAS where it loads, else the kernel with one warning. cuBLAS is tried
   * once per process; a failure is remembered.
   */
  static GemmEngine open(JCudaDevice device, CudaOptions options) {
    return switch (options.gemm()) {
      case KERNEL -> new KernelGemm(device);
      case CUBLAS -> {
        GemmEngine g = tryCublas(device, options.tf32());
        if (g == null) {
          throw new BackendUnavailableException(
              "CudaOptions.gemm is CUBLAS (-D"
                  + GEMM_PROPERTY
                  + "=cublas) but cuBLAS could not be loaded: "
                  + cublasFailure);
        }
        yield g;
      }
      case AUTO -> {
        GemmEngine g = tryCublas(device, options.tf32());
        yield g != null ? g : new KernelGemm(device);
      }
    };
  }

  private static GemmEngine tryCublas(JCudaDevice device, boolean tf32) {
    if (cublasFailure != null) {
      return null;
    }
    try {
      device.bindThread();
      return CublasGemm.open(device.ordinal(), tf32);
    } catch (LinkageError | RuntimeException e) {
      cublasFailure = JCudaDevice.nativeLoadReason(e);
      LOG.warn(
          "rnn4j: cuBLAS is unavailable ({}); GEMMs run on rnn4j's own kernel, which is slower. For cuBLAS, add"
              + " org.bytedeco:cuda:13.1-9.19-1.5.13 with its linux-x86_64 natives to the class"
              + " path and put the directory of libcublas.so.13 on LD_LIBRARY_PATH.",
          cublasFailure);
      return null;
    }
  }

  /** What runs the GEMMs: cuBLAS and its version, or the fallback kernel. */
  String describe() {
    return gemm.describe();
  }

  /** Releases the engine (the cuBLAS handle). */
  void close() {
    gemm.close();
  }

  private static int[] gemmDims(Mat a, boolean ta, Mat b, boolean tb, Mat c) {
    GemmShape g = GemmShape.of(a, ta, b, tb, c);
    return new int[] {g.m(), g.n(), g.k()};
  }

  /**
   * C_i = alpha op(A_i) op(B_i) + beta C_i for i in [0, count), X_i starting strideX elements after
   * X_{i-1}: checks the shapes, that the last entry lies inside each tensor and the strides, then
   * runs one batched call of the engine (nothing for count, m or n of 0).
   */
  void gemmStridedBatched(
      int count,
      Mat a,
      long strideA,
      boolean ta,
      Mat b,
      long strideB,
      boolean tb,
      Mat c,
      long strideC,
      float alpha,
      float beta) {
    int[] mnk = gemmDims(a, ta, b, tb, c);
    if (count < 0) {
      throw new IllegalArgumentException("gemmStridedBatched: count " + count + " < 0");
    }
    if (count == 0 || mnk[0] == 0 || mnk[1] == 0) {
      return;
    }
    if (count > 1) { // the last batch entry must lie inside each tensor (Mat checks the bounds)
      last(a, strideA, count);
      last(b, strideB, count);
      last(c, strideC, count);
    }
    device.bindThread();
    gemm.gemm(
        ta,
        tb,
        mnk[0],
        mnk[1],
        mnk[2],
        alpha,
        Views.of("gemm", a),
        a.ld(),
        strideA,
        Views.of("gemm", b),
        b.ld(),
        strideB,
        beta,
        Views.of("gemm", c),
        c.ld(),
        strideC,
        count);
  }

  private static void last(Mat m, long stride, int count) {
    if (stride < 0) {
      throw new IllegalArgumentException("gemmStridedBatched: negative stride " + stride);
    }
    new Mat(m.tensor(), m.offset() + (count - 1) * stride, m.rows(), m.cols(), m.ld());
  }
}
