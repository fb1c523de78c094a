package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.cpu;
import static dev.rnn4j.backend.cpu.CpuViews.f;

import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.backend.GemmShape;
import dev.rnn4j.tensor.Mat;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs the CPU backend's GEMMs (the twin of the CUDA backend's {@code CudaGemmEngine}):
 * oneDNN's sgemm ({@link DnnlGemm}) or its matmul primitive in f32 or mixed bf16 ({@link
 * DnnlMatmul}), as {@link CpuGemm} says, on the calling thread or, with oneDNN single-threaded,
 * split into one block of C per Java thread. C = alpha · op(A) · op(B) + beta · C, overwriting C
 * (beta 0: C is not read).
 */
final class CpuGemmEngine {
  /**
   * Multiply-adds (m·n·k) above which a GEMM is split across the Java threads, into one part per
   * started multiple of this. Measured on 2 cores (oneDNN single-threaded): split in two, the
   * per-step shapes of 4M-16M multiply-adds (e.g. 16 x 512 x 2048) run in 0.51-0.55x the time of
   * one thread; the earlier threshold (a part had to hold 12M) left K2's and G2P's recurrent GEMMs
   * on one thread.
   */
  private static final long GEMM_SPLIT_WORK = 2L << 20;

  /** The backend's logger: the OpenMP advice is about the backend's threads. */
  private static final Logger LOG = LoggerFactory.getLogger(CpuBackend.class);

  private final CpuParallel parallel;

  /**
   * How GEMMs run: oneDNN's sgemm, its matmul primitive in f32, or in bf16 (see {@link CpuGemm}).
   */
  private final CpuGemm gemm;

  /** Whether oneDNN runs single-threaded and large products are split over the Java threads. */
  private final boolean splitGemm;

  CpuGemmEngine(CpuParallel parallel, CpuGemm gemm, boolean splitGemm) {
    this.parallel = parallel;
    this.gemm = gemm;
    this.splitGemm = splitGemm;
  }

  /** Throws where {@code gemm} is {@link CpuGemm#BF16} on a CPU without bf16 instructions. */
  static void checkSupported(CpuGemm gemm) {
    if (gemm == CpuGemm.BF16) {
      String why = DnnlMatmul.bf16Unsupported();
      if (why != null) {
        throw new IllegalArgumentException(
            "bf16 GEMMs need a CPU with bf16 matrix instructions (AVX512-BF16, AMX or"
                + " AVX2-VNNI-2), and "
                + why
                + "; use the default GEMM mode (sgemm) on this machine");
      }
    }
  }

  /** The OpenMP advice is logged once per JVM, not once per backend. */
  private static final AtomicBoolean OMP_ADVICE_GIVEN = new AtomicBoolean();

  /**
   * Whether a backend with {@code threads} Java threads splits large products over them: only with
   * oneDNN single-threaded (OMP_NUM_THREADS=1). Otherwise, with more than one thread, says once per
   * JVM how to get there.
   */
  static boolean splits(int threads) {
    boolean splitGemm = threads > 1 && ompThreads() == 1;
    if (threads > 1 && !splitGemm && OMP_ADVICE_GIVEN.compareAndSet(false, true)) {
      String omp = System.getenv("OMP_NUM_THREADS");
      LOG.info(
          "rnn4j: OMP_NUM_THREADS is "
              + (omp == null
                  ? "not set, so oneDNN's OpenMP threads use every core"
                  : "'" + omp + "'")
              + " beside rnn4j's "
              + threads
              + " threads; start the JVM with OMP_NUM_THREADS=1 and rnn4j splits GEMMs over its"
              + " own threads, which trains LSTMs about 1.15-1.2x faster here (K2, K4 measured)");
    }
    return splitGemm;
  }

  /** oneDNN's OpenMP thread count as the environment sets it (0 when unset or unreadable). */
  static int ompThreads() {
    String v = System.getenv("OMP_NUM_THREADS");
    if (v == null) {
      return 0;
    }
    try {
      return Integer.parseInt(v.split(",")[0].trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  void gemm(Mat a, boolean ta, Mat b, boolean tb, Mat c, float alpha, float beta) {
    GemmShape shape = GemmShape.of(a, ta, b, tb, c);
    if (shape.k() == 0) {
      scaleMat(c, beta);
      return;
    }
    var pa = cpu(a.tensor()).pointer();
    var pb = cpu(b.tensor()).pointer();
    var pc = cpu(c.tensor()).pointer();
    inBlocks(
        shape,
        (r0, rows, c0, cols) ->
            gemmKernel(
                ta,
                tb,
                rows,
                cols,
                shape.k(),
                alpha,
                pa,
                a.offset() + (ta ? r0 : (long) r0 * a.ld()),
                a.ld(),
                pb,
                b.offset() + (tb ? (long) c0 * b.ld() : c0),
                b.ld(),
                beta,
                pc,
                c.offset() + (long) r0 * c.ld() + c0,
                c.ld()));
  }

  /** One block of C: rows [r0, r0 + rows), columns [c0, c0 + cols). */
  @FunctionalInterface
  private interface GemmBlock {
    void run(int r0, int rows, int c0, int cols);
  }

  /**
   * Runs a product of this shape as one block or, with oneDNN single-threaded (OMP_NUM_THREADS=1)
   * and enough work, as one block of C's rows (or columns, when C is wider than tall) per Java
   * thread. Each element keeps its summation order, so results do not change.
   */
  private void inBlocks(GemmShape shape, GemmBlock block) {
    int m = shape.m();
    int n = shape.n();
    long work = (long) m * n * shape.k();
    int parts =
        splitGemm
            ? (int) Math.min(parallel.threads(), (work + GEMM_SPLIT_WORK - 1) / GEMM_SPLIT_WORK)
            : 1;
    if (parts <= 1) {
      block.run(0, m, 0, n);
    } else if (m >= n) {
      parallel.forChunks(m, Math.min(parts, m), (lo, hi) -> block.run(lo, hi - lo, 0, n));
    } else {
      parallel.forChunks(n, Math.min(parts, n), (lo, hi) -> block.run(0, m, lo, hi - lo));
    }
  }

  /** A bf16 copy of op(B), column-major (k, n), for {@link DnnlMatmul#gemmPrepared}. */
  private record PreparedBf16(BytePointer data) implements AutoCloseable {
    @Override
    public void close() {
      data.close();
    }
  }

  /**
   * In bf16 mode op(B) is converted to bfloat16 once here; otherwise B is used as it is (as {@code
   * Backend.prepare}'s default).
   */
  GemmOperand prepare(Mat b, boolean transB) {
    if (gemm != CpuGemm.BF16) {
      return new GemmOperand(b, transB, null);
    }
    int k = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    BytePointer data = new BytePointer(Math.max(2L, 2L * k * n));
    DnnlMatmul.prepare(transB, k, n, cpu(b.tensor()).pointer(), b.offset(), b.ld(), data);
    return new GemmOperand(b, transB, new PreparedBf16(data));
  }

  void gemm(Mat a, boolean ta, GemmOperand b, Mat c, float alpha, float beta) {
    if (!(b.prepared() instanceof PreparedBf16 p) || alpha != 1f) {
      gemm(a, ta, b.mat(), b.transposed(), c, alpha, beta);
      return;
    }
    GemmShape shape = GemmShape.of(a, ta, b.mat(), b.transposed(), c);
    if (shape.k() == 0) {
      scaleMat(c, beta);
      return;
    }
    var pa = cpu(a.tensor()).pointer();
    var pc = cpu(c.tensor()).pointer();
    inBlocks(
        shape,
        (r0, rows, c0, cols) ->
            DnnlMatmul.gemmPrepared(
                ta,
                rows,
                cols,
                shape.k(),
                pa,
                a.offset() + (ta ? r0 : (long) r0 * a.ld()),
                a.ld(),
                p.data(),
                c0,
                beta,
                pc,
                c.offset() + (long) r0 * c.ld() + c0,
                c.ld()));
  }

  /** One GEMM on the calling thread, on sgemm or the matmul primitive as configured. */
  private void gemmKernel(
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float alpha,
      FloatPointer a,
      long aOff,
      int lda,
      FloatPointer b,
      long bOff,
      int ldb,
      float beta,
      FloatPointer c,
      long cOff,
      int ldc) {
    if (gemm != CpuGemm.SGEMM && alpha == 1f) {
      DnnlMatmul.gemm(gemm, ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else {
      DnnlGemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
  }

  /** C = beta · C (beta 0: zeros), for products with k = 0. */
  private void scaleMat(Mat c, float beta) {
    FloatBuffer d = f(c.tensor());
    for (int r = 0; r < c.rows(); r++) {
      int p = (int) (c.offset() + (long) r * c.ld());
      for (int j = 0; j < c.cols(); j++) {
        d.put(p + j, beta == 0f ? 0f : beta * d.get(p + j));
      }
    }
  }

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
    for (int i = 0; i < count; i++) {
      gemm(
          shift(a, i * strideA), ta, shift(b, i * strideB), tb, shift(c, i * strideC), alpha, beta);
    }
  }

  private static Mat shift(Mat m, long by) {
    return new Mat(m.tensor(), m.offset() + by, m.rows(), m.cols(), m.ld());
  }
}
