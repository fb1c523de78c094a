package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.backend.SystemProperties;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
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
 * <p>This class holds the device, the options and the lifecycle; each op family is a class of its
 * own, named as the CPU backend's class of the same family, and the overrides below only delegate
 * to them: {@code CudaMemory} (tensors, transfers, whole-tensor copies and fills), {@code
 * CudaGemmEngine} (the choice of cuBLAS or rnn4j's kernel, and the checks of every GEMM), {@code
 * CudaElementwise}, {@code CudaReductions}, {@code CudaCells}, {@code CudaSoftmax} and {@code
 * CudaEmbedding}.
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

  private final Device device;
  private final CachingAllocator allocator;
  private final CudaGemmEngine gemm;
  private final long workspace;
  private final CudaElementwise elementwise;
  private final CudaCells cells;
  private final CudaSoftmax softmax;
  private final CudaEmbedding embedding;
  private final CudaReductions reductions;
  private final int maxBlocks;
  private final CudaOptions options;
  private final CudaMemory memory;

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
    GemmEngine gemm = CudaGemmEngine.open(device, options);
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
    this.gemm = new CudaGemmEngine(device, gemm);
    this.allocator = new CachingAllocator(device);
    this.memory = new CudaMemory(this, device, allocator);
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
    return memory.liveTensors();
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
    memory.released(t, address);
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor zeros(DType dtype, Shape shape) {
    return memory.zeros(dtype, shape);
  }

  @Override
  public Tensor upload(float[] data, int... dims) {
    return memory.upload(data, dims);
  }

  @Override
  public Tensor uploadInts(int[] data, int... dims) {
    return memory.uploadInts(data, dims);
  }

  @Override
  public float[] download(Tensor t) {
    return memory.download(t);
  }

  @Override
  public int[] downloadInts(Tensor t) {
    return memory.downloadInts(t);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    memory.copy(src, dst);
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
    memory.fill(x, value);
  }

  @Override
  public void fill(Mat x, float value) {
    elementwise.fill(x, value);
  }

  // ---------------------------------------------------------------- GEMM

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
    gemm.gemmStridedBatched(count, a, strideA, ta, b, strideB, tb, c, strideC, alpha, beta);
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
    if (memory.closed()) {
      return;
    }
    RuntimeException first = memory.closeTensors();
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
