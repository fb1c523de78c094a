package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.backend.GemmShape;
import dev.rnn4j.backend.SystemProperties;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend: GEMMs on cuBLAS 13 (or, where cuBLAS cannot load, on our own tiled kernel),
 * every other primitive on the fused kernels in {@code cuda/*.cu}, memory from a caching allocator.
 * The CPU backend's loops are the reference every kernel is tested against.
 *
 * <p>Work is queued on one stream and runs asynchronously; calls that return data to the host
 * (downloads, sums, the loss, {@link #allFinite}) and the embedding id check synchronise. {@link
 * #open(CudaOptions)} is what {@link dev.rnn4j.backend.Backends} calls (through {@link
 * CudaBackendProvider}).
 *
 * <p>Settings: {@link CudaOptions} (device ordinal, GEMM implementation, TF32, the largest batch
 * whose LSTM steps run as one fused kernel, synchronisation after every launch, how launch
 * arguments are passed), read once when the backend is opened; {@link #open()} takes them from the
 * system properties ({@link CudaOptions#fromSystemProperties()}).
 *
 * <p>Thread-safe: threads may share a backend (each makes the context current on first use, has its
 * own launch-argument slots, and queues on the same stream); the allocator, the cuBLAS handle and
 * the reduction workspace are guarded.
 */
public final class CudaBackend implements Backend {
  /**
   * System property choosing the GEMM implementation: auto (default), cublas or kernel ({@link
   * SystemProperties#CUDA_GEMM}, {@link CudaOptions#gemm}).
   */
  public static final String GEMM_PROPERTY = SystemProperties.CUDA_GEMM;

  private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
  private static volatile String cublasFailure;

  private final Device device;
  private final CachingAllocator allocator;
  private final GemmEngine gemm;
  private final long workspace;
  private final CudaElementwise elementwise;
  private final CudaCells cells;
  private final CudaSoftmax softmax;
  private final CudaEmbedding embedding;
  private final CudaReductions reductions;
  private final int maxBlocks;
  private final CudaOptions options;
  private final Set<CudaTensor> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** {@link #open(CudaOptions)} with the settings of the system properties. */
  public static CudaBackend open() {
    return open(CudaOptions.fromSystemProperties());
  }

  /**
   * Opens the backend with these settings, on device {@link CudaOptions#device}. Throws {@link
   * BackendUnavailableException} with the reason where CUDA cannot run (no driver, no device, a
   * build without kernels, ...); the probe's answer is cached, so asking again is cheap.
   */
  public static CudaBackend open(CudaOptions options) {
    if (options == null) {
      throw new IllegalArgumentException(
          "CUDA options are null; pass CudaOptions.defaults() or"
              + " CudaOptions.fromSystemProperties()");
    }
    JCudaDevice device = JCudaDevice.get(options);
    GemmEngine gemm =
        switch (options.gemm()) {
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
    try {
      CudaBackend b = new CudaBackend(device, gemm, options);
      LOG.info(
          "rnn4j: CUDA backend on {}, GEMM by {}, kernels from {}",
          device.describe(),
          gemm.describe(),
          device.moduleSources().values());
      return b;
    } catch (RuntimeException e) {
      gemm.close();
      throw e;
    }
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

  /**
   * A backend on {@code device} with the given GEMM engine and the default options (tests use a
   * host-memory fake).
   */
  CudaBackend(Device device, GemmEngine gemm) {
    this(device, gemm, CudaOptions.defaults());
  }

  /**
   * A backend on {@code device} with the given GEMM engine; of {@code options} it uses {@link
   * CudaOptions#fusedStepMaxBatch} (the device and GEMM engine carry the others).
   */
  CudaBackend(Device device, GemmEngine gemm, CudaOptions options) {
    this.options = options;
    this.device = device;
    this.gemm = gemm;
    this.allocator = new CachingAllocator(device);
    this.maxBlocks = Math.max(1, device.multiprocessors()) * 32;
    this.workspace = allocator.allocate(CudaReductions.BYTES, "the reduction workspace");
    // Nothing below allocates or calls the driver, so the constructor cannot fail past this point.
    this.reductions = new CudaReductions(device, workspace);
    this.elementwise = new CudaElementwise(device, maxBlocks);
    this.cells = new CudaCells(device, maxBlocks, options.fusedStepMaxBatch());
    this.softmax = new CudaSoftmax(device, reductions, maxBlocks);
    this.embedding = new CudaEmbedding(device, reductions, maxBlocks);
  }

  @Override
  public String name() {
    return "cuda";
  }

  /** The device, e.g. "NVIDIA H100 80GB HBM3 (device 0, sm_90, 132 SMs, CUDA driver 13.0)". */
  public String device() {
    return device.describe();
  }

  /** The settings this backend was opened with. */
  public CudaOptions options() {
    return options;
  }

  /** What runs the GEMMs: cuBLAS and its version, or the fallback kernel. */
  public String gemmImplementation() {
    return gemm.describe();
  }

  /** The largest batch whose LSTM steps run as one fused kernel (0: none). */
  int fusedStepMaxBatch() {
    return cells.fusedStepMaxBatch();
  }

  /** Number of tensors allocated and not yet closed (for leak checks). */
  public int liveTensors() {
    return live.size();
  }

  /** Device allocations made so far; flat once a training loop has warmed up the cache. */
  public long driverAllocations() {
    return allocator.driverAllocations();
  }

  /** Bytes held by live tensors and by the allocator's cache. */
  public long[] memoryInUse() {
    return new long[] {allocator.liveBytes(), allocator.cachedBytes()};
  }

  /** Frees the allocator's cached blocks to the driver (live tensors are unaffected). */
  public void emptyCache() {
    allocator.emptyCache();
  }

  CachingAllocator allocator() {
    return allocator;
  }

  void released(CudaTensor t, long address) {
    if (live.remove(t)) {
      allocator.release(address);
    }
  }

  // ---------------------------------------------------------------- memory

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the CUDA backend is closed");
    }
  }

  private CudaTensor allocate(DType dtype, Shape shape) {
    checkOpen();
    if (shape.numel() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor "
              + shape
              + " has "
              + shape.numel()
              + " elements; a tensor holds at most "
              + Integer.MAX_VALUE);
    }
    long bytes = 4 * Math.max(1, shape.numel());
    long address = allocator.allocate(bytes, dtype + " tensor " + shape);
    CudaTensor t = new CudaTensor(this, dtype, shape, address);
    live.add(t);
    return t;
  }

  @Override
  public Tensor zeros(DType dtype, Shape shape) {
    CudaTensor t = allocate(dtype, shape);
    try {
      device.fill32(t.address(), 0, Math.max(1, shape.numel()));
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  @Override
  public Tensor upload(float[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "upload: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    CudaTensor t = allocate(DType.FLOAT32, s);
    try {
      if (data.length > 0) {
        device.copyToDevice(t.address(), data, data.length);
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  @Override
  public Tensor uploadInts(int[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "uploadInts: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    CudaTensor t = allocate(DType.INT32, s);
    try {
      if (data.length > 0) {
        device.copyToDevice(t.address(), data, data.length);
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  @Override
  public float[] download(Tensor t) {
    float[] out = new float[(int) t.numel()];
    long src = Views.floats("download", t);
    if (out.length > 0) {
      device.copyToHost(out, src, out.length);
    }
    return out;
  }

  @Override
  public int[] downloadInts(Tensor t) {
    int[] out = new int[(int) t.numel()];
    long src = Views.ints("downloadInts", t);
    if (out.length > 0) {
      device.copyToHost(out, src, out.length);
    }
    return out;
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    Views.sameSize("copy", src, dst);
    if (src.dtype() != dst.dtype()) {
      throw new IllegalArgumentException("copy: " + src.dtype() + " into " + dst.dtype());
    }
    if (src.numel() > 0) {
      device.copyOnDevice(Views.cuda(dst).address(), Views.cuda(src).address(), 4 * src.numel());
    }
  }

  @Override
  public void copy(Mat src, Mat dst) {
    elementwise.copy(src, dst);
  }

  @Override
  public void transpose(Mat src, Mat dst) {
    elementwise.transpose(src, dst);
  }

  @Override
  public void fill(Tensor x, float value) {
    if (x.numel() > 0) {
      device.fill32(Views.floats("fill", x), Float.floatToRawIntBits(value), x.numel());
    }
  }

  @Override
  public void fill(Mat x, float value) {
    elementwise.fill(x, value);
  }

  // ---------------------------------------------------------------- GEMM

  private static int[] gemmDims(Mat a, boolean ta, Mat b, boolean tb, Mat c) {
    GemmShape g = GemmShape.of(a, ta, b, tb, c);
    return new int[] {g.m(), g.n(), g.k()};
  }

  @Override
  public void gemm(Mat a, boolean ta, Mat b, boolean tb, Mat c, float alpha, float beta) {
    gemmStridedBatched(1, a, 0, ta, b, 0, tb, c, 0, alpha, beta);
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

  // ---------------------------------------------------------------- elementwise and reductions

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    elementwise.axpby(alpha, x, beta, y);
  }

  @Override
  public void mul(Tensor a, Tensor b, Tensor out) {
    elementwise.mul(a, b, out);
  }

  @Override
  public void scale(Tensor x, float alpha) {
    elementwise.scale(x, alpha);
  }

  @Override
  public void addRowVector(Mat m, Tensor bias) {
    elementwise.addRowVector(m, bias);
  }

  @Override
  public void sumRows(Mat m, Tensor out, float beta) {
    elementwise.sumRows(m, out, beta);
  }

  @Override
  public void tanh(Tensor x, Tensor y) {
    elementwise.tanh(x, y);
  }

  @Override
  public void tanhBackward(Tensor y, Tensor dy, Tensor dx, float beta) {
    elementwise.tanhBackward(y, dy, dx, beta);
  }

  @Override
  public double sumSquares(Tensor x) {
    return reductions.sum(Views.floats("sumSquares", x), x.numel(), true);
  }

  @Override
  public double sum(Tensor x) {
    return reductions.sum(Views.floats("sum", x), x.numel(), false);
  }

  @Override
  public boolean allFinite(Tensor x) {
    return reductions.allFinite(Views.floats("allFinite", x), x.numel(), maxBlocks);
  }

  // ---------------------------------------------------------------- sequence helpers

  @Override
  public void reverseSequences(Tensor src, Tensor dst, Tensor lengths) {
    elementwise.reverseSequences(src, dst, lengths);
  }

  @Override
  public void gatherLastStep(Tensor seq, Tensor lengths, Tensor out) {
    elementwise.gatherLastStep(seq, lengths, out);
  }

  @Override
  public void scatterAddLastStep(Tensor x, Tensor lengths, Tensor seq) {
    elementwise.scatterAddLastStep(x, lengths, seq);
  }

  @Override
  public void maskKeys(Tensor scores, Tensor lengths, float value) {
    elementwise.maskKeys(scores, lengths, value);
  }

  // ---------------------------------------------------------------- cells

  @Override
  public void rnnCellForward(Activation act, Mat pre, Tensor biasHh, Mat h, Tensor lengths, int t) {
    cells.rnnForward(act, pre, biasHh, h, lengths, t);
  }

  @Override
  public void rnnCellBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t) {
    cells.rnnBackward(act, h, dh, dPre, lengths, t);
  }

  @Override
  public void lstmCellForward(
      Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    cells.lstmForward(gates, biasHh, cPrev, c, h, lengths, t);
  }

  @Override
  public void lstmStepForward(
      Mat hPrev,
      GemmOperand w,
      Mat gates,
      Tensor biasHh,
      Mat cPrev,
      Mat c,
      Mat h,
      Tensor lengths,
      int t) {
    if (cells.fusesStep(hPrev, w)) {
      cells.lstmStep(hPrev, w.mat(), gates, biasHh, cPrev, c, h, lengths, t);
    } else {
      Backend.super.lstmStepForward(hPrev, w, gates, biasHh, cPrev, c, h, lengths, t);
    }
  }

  @Override
  public void lstmCellBackward(
      Mat gates, Mat c, Mat cPrev, Mat dh, Tensor dc, Mat dGates, Tensor lengths, int t) {
    cells.lstmBackward(gates, c, cPrev, dh, dc, dGates, lengths, t);
  }

  @Override
  public void gruCellForward(
      Mat xGates, Mat hGates, Tensor biasHh, Mat hPrev, Mat h, Mat saved, Tensor lengths, int t) {
    cells.gruForward(xGates, hGates, biasHh, hPrev, h, saved, lengths, t);
  }

  @Override
  public void gruCellBackward(
      Mat saved, Mat hPrev, Mat dh, Mat dxGates, Mat dhGates, Mat dhPrev, Tensor lengths, int t) {
    cells.gruBackward(saved, hPrev, dh, dxGates, dhGates, dhPrev, lengths, t);
  }

  // ---------------------------------------------------------------- softmax and loss

  @Override
  public void softmax(Tensor x, Tensor y) {
    softmax.softmax(x, y);
  }

  @Override
  public void logSoftmax(Tensor x, Tensor y) {
    softmax.logSoftmax(x, y);
  }

  @Override
  public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
    softmax.softmaxBackward(y, dy, dx);
  }

  @Override
  public double crossEntropyForward(
      Tensor logits,
      Tensor targets,
      int ignoreIndex,
      float smoothing,
      Tensor probs,
      Tensor losses) {
    return softmax.crossEntropyForward(logits, targets, ignoreIndex, smoothing, probs, losses);
  }

  @Override
  public void crossEntropyBackward(
      Tensor probs, Tensor targets, int ignoreIndex, float smoothing, float scale, Tensor dLogits) {
    softmax.crossEntropyBackward(probs, targets, ignoreIndex, smoothing, scale, dLogits);
  }

  // ---------------------------------------------------------------- embeddings

  @Override
  public void embeddingGather(Tensor table, Tensor ids, Tensor out) {
    embedding.gather(table, ids, out);
  }

  @Override
  public void embeddingScatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable) {
    embedding.scatterAdd(dOut, ids, skipId, dTable);
  }

  // ---------------------------------------------------------------- regularisation, optimiser

  @Override
  public void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
    elementwise.dropout(x, p, seed, mask, y);
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
    elementwise.adam(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step);
  }

  @Override
  public void sgdUpdate(Tensor w, Tensor g, Tensor buf, float lr, float momentum) {
    elementwise.sgd(w, g, buf, lr, momentum);
  }

  @Override
  public void synchronize() {
    device.synchronize();
  }

  /**
   * Closes every tensor this backend still owns, destroys the cuBLAS handle and frees all device
   * memory to the driver. Keeps going when a step fails and throws the first failure at the end.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (CudaTensor t : new ArrayList<>(live)) {
      try {
        t.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    try {
      gemm.close();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    try {
      allocator.release(workspace);
      allocator.close();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "CudaBackend[" + device.describe() + ", " + gemm.describe() + "]";
  }
}
