package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.FusedSequence;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.backend.GemmShape;
import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.backend.TopK;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU backend: GEMMs on oneDNN (sgemm, or its matmul primitive in f32 or mixed bf16: {@link
 * CpuGemm}), every other primitive as a fused Java loop split over a fixed thread pool. Thread-safe
 * for calls on disjoint tensors. Its loops are the reference the CUDA kernels are tested against.
 */
public final class CpuBackend implements Backend {
  /** Columns of one work unit in the per-step cell loops. */
  private static final int COL_BLOCK = 128;

  /**
   * Multiply-adds (m·n·k) above which a GEMM is split across the Java threads, into one part per
   * started multiple of this. Measured on 2 cores (oneDNN single-threaded): split in two, the
   * per-step shapes of 4M-16M multiply-adds (e.g. 16 x 512 x 2048) run in 0.51-0.55x the time of
   * one thread; the earlier threshold (a part had to hold 12M) left K2's and G2P's recurrent GEMMs
   * on one thread.
   */
  private static final long GEMM_SPLIT_WORK = 2L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(CpuBackend.class);

  private final CpuParallel parallel;
  private final boolean splitGemm;

  /** The settings this backend was built with, read once (never per call). */
  private final CpuOptions options;

  /**
   * When layers run whole sequences through oneDNN's RNN primitives ({@link CpuOptions#fusedRnn}).
   */
  private final CpuOptions.FusedRnn fusedRnn;

  /**
   * How GEMMs run: oneDNN's sgemm, its matmul primitive in f32, or in bf16 (see {@link CpuGemm}).
   */
  private final CpuGemm gemm;

  /**
   * The cells' tanh and σ ({@link CpuOptions#activations}): {@link VecCells}' vectorizable rational
   * approximation (relative error under 3.4e-7; the default), or {@link ExactCells}' {@link
   * Math#exp}-based reference (within one float ulp, 10-30x slower per activation).
   */
  private final CellLoops cells;

  /**
   * Off-heap blocks. {@link CpuOptions#checkMemory} turns on its checking mode: canaries around
   * every tensor, verified at close and at backend close, double closes refused, allocation sites
   * recorded (see {@link CpuMemoryPool}, {@link #openTensors}).
   */
  private final CpuMemoryPool pool;

  private final Set<CpuTensor> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * A backend with the settings of the system properties ({@link
   * CpuOptions#fromSystemProperties()}): one thread per available processor unless {@code
   * rnn4j.threads} says otherwise.
   */
  public CpuBackend() {
    this(CpuOptions.fromSystemProperties());
  }

  /**
   * A backend whose Java loops use {@code threads} threads (oneDNN's come from OMP_NUM_THREADS),
   * with its other settings from the system properties.
   */
  public CpuBackend(int threads) {
    this(CpuOptions.fromSystemProperties().withThreads(threads));
  }

  /**
   * A backend whose Java loops use {@code threads} threads and whose GEMMs run as {@code gemm} says
   * ({@link CpuGemm#BF16}: mixed precision), with its other settings from the system properties.
   */
  public CpuBackend(int threads, CpuGemm gemm) {
    this(CpuOptions.fromSystemProperties().withThreads(threads).withGemm(gemm));
  }

  /**
   * A backend as {@link #CpuBackend(int, CpuGemm)}; {@code checkMemory}: the checking mode of the
   * off-heap memory (slower; for hunting memory errors and leaks).
   */
  public CpuBackend(int threads, CpuGemm gemm, boolean checkMemory) {
    this(
        CpuOptions.fromSystemProperties()
            .withThreads(threads)
            .withGemm(gemm)
            .withCheckMemory(checkMemory));
  }

  /**
   * A backend with exactly these settings ({@link CpuOptions#defaults()} for the documented
   * defaults); system properties play no part. Throws where {@link CpuGemm#BF16} is asked for on a
   * CPU without bf16 matrix instructions.
   */
  public CpuBackend(CpuOptions options) {
    if (options == null) {
      throw new IllegalArgumentException(
          "CPU options are null; pass CpuOptions.defaults() or CpuOptions.fromSystemProperties()");
    }
    this.options = options;
    this.fusedRnn = options.fusedRnn();
    this.cells =
        options.activations() == CpuOptions.Activations.EXACT
            ? ExactCells.INSTANCE
            : VecCells.INSTANCE;
    DnnlGemm.load();
    this.pool = new CpuMemoryPool(options.cacheBytes(), options.checkMemory());
    this.gemm = options.gemm();
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
    int threads = options.threads();
    this.parallel = new CpuParallel(threads);
    this.splitGemm = threads > 1 && ompThreads() == 1;
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
  }

  /** The OpenMP advice is logged once per JVM, not once per backend. */
  private static final AtomicBoolean OMP_ADVICE_GIVEN = new AtomicBoolean();

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

  @Override
  public String name() {
    return "cpu";
  }

  /** The settings this backend was built with. */
  public CpuOptions options() {
    return options;
  }

  /** How this backend's GEMMs run. */
  public CpuGemm gemmMode() {
    return gemm;
  }

  /** "cpu", with the GEMM mode where it is not the default: "cpu (bf16 GEMMs)". */
  @Override
  public String describe() {
    if (gemm != CpuGemm.SGEMM) {
      return name() + " (" + gemm.name().toLowerCase(Locale.ROOT) + " GEMMs)";
    }
    return name();
  }

  /**
   * Null where this CPU multiplies bf16 natively (so {@link CpuGemm#BF16} may be used); otherwise
   * the reason it cannot.
   */
  public static String bf16Unavailable() {
    return DnnlMatmul.bf16Unsupported();
  }

  /** Whether oneDNN runs single-threaded and rnn4j splits work over its own threads. */
  boolean splitsGemm() {
    return splitGemm;
  }

  CpuParallel parallel() {
    return parallel;
  }

  /**
   * oneDNN's LSTM, GRU and RNN primitives for full-length batches. {@link CpuOptions#fusedRnn}
   * chooses: {@code AUTO} (default) uses them for inference and not for training; {@code ALWAYS}
   * for both; {@code NEVER} never (layers run the per-step cells).
   *
   * <p>The default follows measurement: inference is faster through the primitive, training through
   * the per-step loop since the cells' activations are vectorized ({@link VecCells}); oneDNN's
   * backward on a batch half per thread is the slow part. Figures and their dates:
   * docs/PERFORMANCE.md, "Fused sequences".
   */
  @Override
  public FusedSequence fusedSequence(SequenceCell cell, int inputSize, int hiddenSize) {
    if (fusedRnn == CpuOptions.FusedRnn.NEVER) {
      return null;
    }
    return new DnnlSequence(
        this, cell, inputSize, hiddenSize, fusedRnn == CpuOptions.FusedRnn.ALWAYS);
  }

  /** Threads used by the Java loops. */
  public int threads() {
    return parallel.threads();
  }

  /** Number of tensors allocated and not yet closed (for leak checks). */
  public int liveTensors() {
    return live.size();
  }

  /** Whether the off-heap memory runs in checking mode ({@link CpuOptions#checkMemory}). */
  public boolean checksMemory() {
    return pool.checking();
  }

  /** The tensors still open, with their allocation sites in checking mode. */
  public OpenTensorReport openTensors() {
    return OpenTensorReport.of(new ArrayList<>(live));
  }

  void released(CpuTensor t) {
    live.remove(t);
  }

  CpuMemoryPool pool() {
    return pool;
  }

  // ---------------------------------------------------------------- memory

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the CPU backend is closed");
    }
  }

  @Override
  public Tensor zeros(DType dtype, Shape shape) {
    checkOpen();
    CpuTensor t = new CpuTensor(this, dtype, shape);
    live.add(t);
    return t;
  }

  /** A FLOAT32 tensor of n elements left uninitialised, for buffers a kernel overwrites. */
  Tensor scratch(long n) {
    checkOpen();
    CpuTensor t = new CpuTensor(this, DType.FLOAT32, Shape.of((int) Math.max(1, n)), false);
    live.add(t);
    return t;
  }

  @Override
  public Tensor upload(float[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "upload: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    Tensor t = zeros(DType.FLOAT32, s);
    f(t).put(0, data);
    return t;
  }

  @Override
  public Tensor uploadInts(int[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "uploadInts: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    Tensor t = zeros(DType.INT32, s);
    i(t).put(0, data);
    return t;
  }

  @Override
  public float[] download(Tensor t) {
    float[] out = new float[(int) t.numel()];
    f(t).get(0, out);
    return out;
  }

  @Override
  public int[] downloadInts(Tensor t) {
    int[] out = new int[(int) t.numel()];
    i(t).get(0, out);
    return out;
  }

  static CpuTensor cpu(Tensor t) {
    if (t instanceof CpuTensor c) {
      return c;
    }
    throw new IllegalArgumentException(
        "expected a tensor of the CPU backend, got " + (t == null ? "null" : t.toString()));
  }

  static FloatBuffer f(Tensor t) {
    return cpu(t).floats();
  }

  static IntBuffer i(Tensor t) {
    return cpu(t).ints();
  }

  private static IntBuffer lens(Tensor lengths) {
    return lengths == null ? null : i(lengths);
  }

  private static void sameSize(String op, Tensor a, Tensor b) {
    if (a.numel() != b.numel()) {
      throw new IllegalArgumentException(op + ": sizes differ, " + a.shape() + " vs " + b.shape());
    }
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    sameSize("copy", src, dst);
    if (src.dtype() != dst.dtype()) {
      throw new IllegalArgumentException("copy: " + src.dtype() + " into " + dst.dtype());
    }
    if (src.dtype() == DType.FLOAT32) {
      f(dst).put(0, f(src), 0, (int) src.numel());
    } else {
      i(dst).put(0, i(src), 0, (int) src.numel());
    }
  }

  @Override
  public void copy(Mat src, Mat dst) {
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

  @Override
  public void transpose(Mat src, Mat dst) {
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

  @Override
  public void fill(Tensor x, float value) {
    if (value == 0f && x.numel() > 0) {
      org.bytedeco.javacpp.Pointer.memset(cpu(x).block(), 0, 4 * x.numel());
      return;
    }
    fill(Mat.of(x), value);
  }

  @Override
  public void fill(Mat x, float value) {
    FloatBuffer d = f(x.tensor());
    for (int r = 0; r < x.rows(); r++) {
      int p = (int) (x.offset() + (long) r * x.ld());
      for (int c = 0; c < x.cols(); c++) {
        d.put(p + c, value);
      }
    }
  }

  // ---------------------------------------------------------------- GEMM

  @Override
  public void gemm(Mat a, boolean ta, Mat b, boolean tb, Mat c, float alpha, float beta) {
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

  /** In bf16 mode op(B) is converted to bfloat16 once here; otherwise B is used as it is. */
  @Override
  public GemmOperand prepare(Mat b, boolean transB) {
    if (gemm != CpuGemm.BF16) {
      return Backend.super.prepare(b, transB);
    }
    int k = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    BytePointer data = new BytePointer(Math.max(2L, 2L * k * n));
    DnnlMatmul.prepare(transB, k, n, cpu(b.tensor()).pointer(), b.offset(), b.ld(), data);
    return new GemmOperand(b, transB, new PreparedBf16(data));
  }

  @Override
  public void gemm(Mat a, boolean ta, GemmOperand b, Mat c, float alpha, float beta) {
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

  private void scaleMat(Mat c, float beta) {
    FloatBuffer d = f(c.tensor());
    for (int r = 0; r < c.rows(); r++) {
      int p = (int) (c.offset() + (long) r * c.ld());
      for (int j = 0; j < c.cols(); j++) {
        d.put(p + j, beta == 0f ? 0f : beta * d.get(p + j));
      }
    }
  }

  @Override
  public void gemmStridedBatched(
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

  // ---------------------------------------------------------------- elementwise

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
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

  @Override
  public void mul(Tensor a, Tensor b, Tensor out) {
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

  @Override
  public void scale(Tensor x, float alpha) {
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

  @Override
  public void scaleRows(Tensor x, Tensor scale) {
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

  @Override
  public void addRowVector(Mat m, Tensor bias) {
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

  @Override
  public void sumRows(Mat m, Tensor out, float beta) {
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
    try (Tensor ones = zeros(DType.FLOAT32, Shape.of(1, m.rows()))) {
      fill(ones, 1f);
      gemm(Mat.of(ones), false, m, false, new Mat(out, 0, 1, m.cols(), m.cols()), 1f, beta);
    }
  }

  @Override
  public void tanh(Tensor x, Tensor y) {
    sameSize("tanh", x, y);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange((int) x.numel(), 8, (lo, hi) -> cells.tanh(xs, ys, lo, hi));
  }

  @Override
  public void tanhBackward(Tensor y, Tensor dy, Tensor dx, float beta) {
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

  @Override
  public double sumSquares(Tensor x) {
    return reduce(f(x), (int) x.numel(), true);
  }

  @Override
  public double sum(Tensor x) {
    return reduce(f(x), (int) x.numel(), false);
  }

  /** Elements per partial sum: fixed, so results do not depend on the thread count. */
  private static final int REDUCE_CHUNK = 1 << 16;

  /** Σ x (or Σ x²) in double: partial sums of fixed chunks in parallel, added in chunk order. */
  private double reduce(FloatBuffer xs, int n, boolean squares) {
    int chunks = (n + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
    double[] partial = new double[chunks];
    parallel.forRange(
        chunks,
        REDUCE_CHUNK,
        (lo, hi) -> {
          for (int c = lo; c < hi; c++) {
            double acc = 0;
            for (int k = c * REDUCE_CHUNK, end = Math.min(n, k + REDUCE_CHUNK); k < end; k++) {
              double v = xs.get(k);
              acc += squares ? v * v : v;
            }
            partial[c] = acc;
          }
        });
    double total = 0;
    for (double p : partial) {
      total += p;
    }
    return total;
  }

  @Override
  public boolean allFinite(Tensor x) {
    FloatBuffer xs = f(x);
    for (int k = 0, n = (int) x.numel(); k < n; k++) {
      if (!Float.isFinite(xs.get(k))) {
        return false;
      }
    }
    return true;
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

  @Override
  public void reverseSequences(Tensor src, Tensor dst, Tensor lengths) {
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

  @Override
  public void gatherLastStep(Tensor seq, Tensor lengths, Tensor out) {
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

  @Override
  public void scatterAddLastStep(Tensor x, Tensor lengths, Tensor seq) {
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

  @Override
  public void maskKeys(Tensor scores, Tensor lengths, float value) {
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

  // ---------------------------------------------------------------- cells

  /** Runs body over rows × column blocks of width COL_BLOCK, in parallel when large enough. */
  private void forCells(int rows, int cols, int costPerElement, CellBody body) {
    int blocks = (cols + COL_BLOCK - 1) / COL_BLOCK;
    parallel.forRange(
        rows * blocks,
        (long) Math.min(cols, COL_BLOCK) * costPerElement,
        (lo, hi) -> {
          for (int u = lo; u < hi; u++) {
            int b = u / blocks;
            int j0 = (u % blocks) * COL_BLOCK;
            body.run(b, j0, Math.min(cols, j0 + COL_BLOCK));
          }
        });
  }

  @FunctionalInterface
  private interface CellBody {
    void run(int b, int j0, int j1);
  }

  private static void checkCell(String op, Mat m, int rows, int cols, String what) {
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException(
          op
              + ": "
              + what
              + " is "
              + m.rows()
              + "x"
              + m.cols()
              + ", expected "
              + rows
              + "x"
              + cols);
    }
  }

  @Override
  public void rnnCellForward(Activation act, Mat pre, Tensor biasHh, Mat h, Tensor lengths, int t) {
    int rows = pre.rows();
    int hid = pre.cols();
    checkCell("rnnCellForward", h, rows, hid, "h");
    FloatBuffer p = f(pre.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer hs = f(h.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        4,
        (b, j0, j1) ->
            cells.rnnForward(
                act, p, pre.offset(), pre.ld(), bias, hs, h.offset(), h.ld(), lens, t, b, j0, j1));
  }

  @Override
  public void rnnCellBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t) {
    int rows = h.rows();
    int hid = h.cols();
    checkCell("rnnCellBackward", dh, rows, hid, "dh");
    checkCell("rnnCellBackward", dPre, rows, hid, "dPre");
    FloatBuffer hs = f(h.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dps = f(dPre.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        1,
        (b, j0, j1) ->
            ExactCells.rnnBackward(
                act,
                hs,
                h.offset(),
                h.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dps,
                dPre.offset(),
                dPre.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  @Override
  public void lstmCellForward(
      Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    checkCell("lstmCellForward", gates, rows, 4 * hid, "gates");
    checkCell("lstmCellForward", cPrev, rows, hid, "cPrev");
    checkCell("lstmCellForward", c, rows, hid, "c");
    checkCell("lstmCellForward", h, rows, hid, "h");
    FloatBuffer g = f(gates.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer cp = f(cPrev.tensor());
    FloatBuffer cs = f(c.tensor());
    FloatBuffer hs = f(h.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) ->
            cells.lstmForward(
                g,
                gates.offset(),
                gates.ld(),
                bias,
                hid,
                cp,
                cPrev.offset(),
                cPrev.ld(),
                cs,
                c.offset(),
                c.ld(),
                hs,
                h.offset(),
                h.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  @Override
  public void lstmCellBackward(
      Mat gates, Mat c, Mat cPrev, Mat dh, Tensor dc, Mat dGates, Tensor lengths, int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    checkCell("lstmCellBackward", c, rows, hid, "c");
    checkCell("lstmCellBackward", cPrev, rows, hid, "cPrev");
    checkCell("lstmCellBackward", dh, rows, hid, "dh");
    checkCell("lstmCellBackward", dGates, rows, 4 * hid, "dGates");
    if (dc.numel() != (long) rows * hid) {
      throw new IllegalArgumentException(
          "lstmCellBackward: dc " + dc.shape() + " is not (" + rows + ", " + hid + ")");
    }
    FloatBuffer g = f(gates.tensor());
    FloatBuffer cs = f(c.tensor());
    FloatBuffer cp = f(cPrev.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dcs = f(dc);
    FloatBuffer dg = f(dGates.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        10,
        (b, j0, j1) ->
            cells.lstmBackward(
                g,
                gates.offset(),
                gates.ld(),
                hid,
                cs,
                c.offset(),
                c.ld(),
                cp,
                cPrev.offset(),
                cPrev.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dcs,
                dg,
                dGates.offset(),
                dGates.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  @Override
  public void gruCellForward(
      Mat xGates, Mat hGates, Tensor biasHh, Mat hPrev, Mat h, Mat saved, Tensor lengths, int t) {
    int rows = xGates.rows();
    int hid = xGates.cols() / 3;
    checkCell("gruCellForward", xGates, rows, 3 * hid, "xGates");
    checkCell("gruCellForward", hGates, rows, 3 * hid, "hGates");
    checkCell("gruCellForward", hPrev, rows, hid, "hPrev");
    checkCell("gruCellForward", h, rows, hid, "h");
    checkCell("gruCellForward", saved, rows, 4 * hid, "saved");
    FloatBuffer xg = f(xGates.tensor());
    FloatBuffer hg = f(hGates.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer hp = f(hPrev.tensor());
    FloatBuffer hs = f(h.tensor());
    FloatBuffer ss = f(saved.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) ->
            cells.gruForward(
                xg,
                xGates.offset(),
                xGates.ld(),
                hg,
                hGates.offset(),
                hGates.ld(),
                bias,
                hid,
                hp,
                hPrev.offset(),
                hPrev.ld(),
                hs,
                h.offset(),
                h.ld(),
                ss,
                saved.offset(),
                saved.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  @Override
  public void gruCellBackward(
      Mat saved, Mat hPrev, Mat dh, Mat dxGates, Mat dhGates, Mat dhPrev, Tensor lengths, int t) {
    int rows = saved.rows();
    int hid = saved.cols() / 4;
    checkCell("gruCellBackward", hPrev, rows, hid, "hPrev");
    checkCell("gruCellBackward", dh, rows, hid, "dh");
    checkCell("gruCellBackward", dxGates, rows, 3 * hid, "dxGates");
    checkCell("gruCellBackward", dhGates, rows, 3 * hid, "dhGates");
    checkCell("gruCellBackward", dhPrev, rows, hid, "dhPrev");
    FloatBuffer ss = f(saved.tensor());
    FloatBuffer hp = f(hPrev.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dx = f(dxGates.tensor());
    FloatBuffer dhg = f(dhGates.tensor());
    FloatBuffer dp = f(dhPrev.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        8,
        (b, j0, j1) ->
            ExactCells.gruBackward(
                ss,
                saved.offset(),
                saved.ld(),
                hid,
                hp,
                hPrev.offset(),
                hPrev.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dx,
                dxGates.offset(),
                dxGates.ld(),
                dhg,
                dhGates.offset(),
                dhGates.ld(),
                dp,
                dhPrev.offset(),
                dhPrev.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  // ---------------------------------------------------------------- softmax and loss

  private static int[] rowsCols(String op, Tensor x) {
    Mat m = Mat.of(x);
    return new int[] {m.rows(), m.cols()};
  }

  @Override
  public void softmax(Tensor x, Tensor y) {
    sameSize("softmax", x, y);
    int[] rc = rowsCols("softmax", x);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            CpuLosses.softmaxRow(xs, ys, r * rc[1], rc[1]);
          }
        });
  }

  @Override
  public void logSoftmax(Tensor x, Tensor y) {
    sameSize("logSoftmax", x, y);
    int[] rc = rowsCols("logSoftmax", x);
    FloatBuffer xs = f(x);
    FloatBuffer ys = f(y);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            CpuLosses.logSoftmaxRow(xs, ys, r * rc[1], rc[1]);
          }
        });
  }

  @Override
  public void topK(Tensor x, int k, float[] values, int[] indices) {
    int[] rc = rowsCols("topK", x);
    if (k < 1 || k > rc[1] || values.length < rc[0] * k || indices.length < rc[0] * k) {
      throw new IllegalArgumentException(
          "topK: k "
              + k
              + " of "
              + rc[1]
              + " columns into arrays of "
              + values.length
              + "/"
              + indices.length
              + " for "
              + rc[0]
              + " rows");
    }
    FloatBuffer xs = f(x);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            TopK.row(xs, r * rc[1], rc[1], k, values, indices, r * k);
          }
        });
  }

  @Override
  public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
    sameSize("softmaxBackward", y, dy);
    sameSize("softmaxBackward", y, dx);
    int[] rc = rowsCols("softmaxBackward", y);
    FloatBuffer ys = f(y);
    FloatBuffer dys = f(dy);
    FloatBuffer dxs = f(dx);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            CpuLosses.softmaxBackwardRow(ys, dys, dxs, r * rc[1], rc[1]);
          }
        });
  }

  private static void checkLoss(String op, Tensor logits, Tensor targets, Tensor other) {
    sameSize(op, logits, other);
    int rows = Mat.of(logits).rows();
    if (targets.numel() != rows) {
      throw new IllegalArgumentException(
          op + ": " + targets.numel() + " targets for " + rows + " rows of " + logits.shape());
    }
  }

  @Override
  public double crossEntropyForward(
      Tensor logits,
      Tensor targets,
      int ignoreIndex,
      float smoothing,
      Tensor probs,
      Tensor losses) {
    checkLoss("crossEntropyForward", logits, targets, probs);
    int[] rc = rowsCols("crossEntropyForward", logits);
    if (losses.numel() != rc[0]) {
      throw new IllegalArgumentException(
          "crossEntropyForward: losses has " + losses.numel() + " entries for " + rc[0] + " rows");
    }
    FloatBuffer xs = f(logits);
    IntBuffer ts = i(targets);
    FloatBuffer ps = f(probs);
    FloatBuffer ls = f(losses);
    for (int r = 0; r < rc[0]; r++) {
      CpuLosses.checkTarget(ts, r, rc[1], ignoreIndex);
    }
    parallel.forRange(
        rc[0],
        (long) rc[1] * 8,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int t = ts.get(r);
            if (t == ignoreIndex) {
              ls.put(r, 0f);
              for (int k = 0; k < rc[1]; k++) {
                ps.put(r * rc[1] + k, 0f);
              }
            } else {
              ls.put(r, (float) CpuLosses.crossEntropyRow(xs, t, smoothing, ps, r * rc[1], rc[1]));
            }
          }
        });
    double total = 0;
    for (int r = 0; r < rc[0]; r++) {
      total += ls.get(r);
    }
    return total;
  }

  @Override
  public void crossEntropyBackward(
      Tensor probs, Tensor targets, int ignoreIndex, float smoothing, float scale, Tensor dLogits) {
    checkLoss("crossEntropyBackward", probs, targets, dLogits);
    int[] rc = rowsCols("crossEntropyBackward", probs);
    FloatBuffer ps = f(probs);
    IntBuffer ts = i(targets);
    FloatBuffer ds = f(dLogits);
    parallel.forRange(
        rc[0],
        (long) rc[1] * 2,
        (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            int t = ts.get(r);
            if (t == ignoreIndex) {
              for (int k = 0; k < rc[1]; k++) {
                ds.put(r * rc[1] + k, 0f);
              }
            } else {
              CpuLosses.crossEntropyBackwardRow(ps, t, smoothing, scale, ds, r * rc[1], rc[1]);
            }
          }
        });
  }

  // ---------------------------------------------------------------- embeddings

  @Override
  public void embeddingGather(Tensor table, Tensor ids, Tensor out) {
    Mat tm = Mat.of(table);
    int n = (int) ids.numel();
    if (out.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          "embeddingGather: out " + out.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    FloatBuffer ts = f(table);
    IntBuffer is = i(ids);
    FloatBuffer os = f(out);
    for (int r = 0; r < n; r++) {
      int id = is.get(r);
      if (id < 0 || id >= tm.rows()) {
        throw new IllegalArgumentException(
            "embeddingGather: id "
                + id
                + " at position "
                + r
                + " is outside [0, "
                + tm.rows()
                + ")");
      }
      os.put(r * tm.cols(), ts, id * tm.cols(), tm.cols());
    }
  }

  @Override
  public void embeddingScatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable) {
    Mat tm = Mat.of(dTable);
    int n = (int) ids.numel();
    if (dOut.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          "embeddingScatterAdd: dOut " + dOut.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    FloatBuffer ds = f(dOut);
    IntBuffer is = i(ids);
    FloatBuffer ts = f(dTable);
    int e = tm.cols();
    for (int r = 0; r < n; r++) {
      int id = is.get(r);
      if (id == skipId) {
        continue;
      }
      if (id < 0 || id >= tm.rows()) {
        throw new IllegalArgumentException(
            "embeddingScatterAdd: id "
                + id
                + " at position "
                + r
                + " is outside [0, "
                + tm.rows()
                + ")");
      }
      for (int j = 0; j < e; j++) {
        ts.put(id * e + j, ts.get(id * e + j) + ds.get(r * e + j));
      }
    }
  }

  // ---------------------------------------------------------------- regularisation, optimiser

  @Override
  public void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
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

  @Override
  public void adamUpdate(
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

  @Override
  public void sgdUpdate(Tensor w, Tensor g, Tensor buf, float lr, float momentum) {
    sameSize("sgdUpdate", w, g);
    FloatBuffer ws = f(w);
    FloatBuffer gs = f(g);
    FloatBuffer bs = momentum == 0f ? null : f(buf);
    parallel.forRange((int) w.numel(), 1, (lo, hi) -> VecOps.sgd(ws, gs, bs, lo, hi, lr, momentum));
  }

  @Override
  public void synchronize() {}

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pool.checking() && !live.isEmpty()) {
      LOG.warn("rnn4j: CPU backend closed with {}", openTensors());
    }
    IllegalStateException damaged = null;
    try {
      for (CpuTensor t : new ArrayList<>(live)) {
        try {
          t.release(true);
        } catch (IllegalStateException e) { // checking mode: a damaged block; close the rest
          damaged = damaged == null ? e : damaged;
        }
      }
      pool.close();
    } finally {
      parallel.close();
    }
    if (damaged != null) {
      throw damaged;
    }
  }

  @Override
  public String toString() {
    return "CpuBackend[threads=" + parallel.threads() + "]";
  }
}
