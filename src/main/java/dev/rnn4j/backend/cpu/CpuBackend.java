package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.cpu;
import static dev.rnn4j.backend.cpu.CpuViews.f;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.FusedSequence;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.Locale;

/**
 * The CPU backend: GEMMs on oneDNN (sgemm, or its matmul primitive in f32 or mixed bf16: {@link
 * CpuGemm}), every other primitive as a fused Java loop split over a fixed thread pool. Thread-safe
 * for calls on disjoint tensors. Its loops are the reference the CUDA kernels are tested against.
 *
 * <p>This class holds the options and the lifecycle; the memory (allocation, transfers,
 * whole-tensor copies) is {@code CpuMemory}, and each op family is a class of its own, named as the
 * CUDA backend's class of the same family: {@code CpuMemory} (the twin of {@code CudaMemory}),
 * {@code CpuGemmEngine} (of {@code CudaGemmEngine}), {@code CpuElementwise}, {@code CpuReductions},
 * {@code CpuCells}, {@code CpuSoftmax} and {@code CpuEmbedding}. The overrides below only delegate
 * to them.
 */
public final class CpuBackend implements Backend {
  private final CpuParallel parallel;
  private final boolean splitGemm;

  /**
   * The settings this backend was built with, read once (never per call): among them how GEMMs run
   * ({@link CpuGemm}) and when layers run whole sequences through oneDNN's RNN primitives.
   */
  private final CpuOptions options;

  // The op families, as in the CUDA backend (CpuEmbedding holds no state: static calls).
  private final CpuGemmEngine gemm;
  private final CpuElementwise elementwise;
  private final CpuReductions reductions;
  private final CpuCells cells;
  private final CpuSoftmax softmax;

  /** Tensors, transfers and whole-tensor copies; the off-heap blocks of {@link CpuMemoryPool}. */
  private final CpuMemory memory;

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
    CellLoops loops = CellLoops.of(options.activations());
    DnnlGemm.load();
    this.memory =
        new CpuMemory(this, new CpuMemoryPool(options.cacheBytes(), options.checkMemory()));
    CpuGemm gemmMode = options.gemm();
    CpuGemmEngine.checkSupported(gemmMode);
    int threads = options.threads();
    this.parallel = new CpuParallel(threads);
    this.splitGemm = CpuGemmEngine.splits(threads);
    this.gemm = new CpuGemmEngine(parallel, gemmMode, splitGemm);
    this.elementwise = new CpuElementwise(this, parallel, loops, gemm);
    this.reductions = new CpuReductions(parallel);
    this.cells = new CpuCells(parallel, loops);
    this.softmax = new CpuSoftmax(parallel);
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
    return options.gemm();
  }

  /** "cpu", with the GEMM mode where it is not the default: "cpu (bf16 GEMMs)". */
  @Override
  public String describe() {
    if (gemmMode() != CpuGemm.SGEMM) {
      return name() + " (" + gemmMode().name().toLowerCase(Locale.ROOT) + " GEMMs)";
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
   * oneDNN's LSTM, GRU and RNN primitives for full-length batches, as {@link CpuOptions#fusedRnn}
   * says (by default for inference only; see {@link DnnlSequence#of}).
   */
  @Override
  public FusedSequence fusedSequence(SequenceCell cell, int inputSize, int hiddenSize) {
    return DnnlSequence.of(this, options.fusedRnn(), cell, inputSize, hiddenSize);
  }

  /** Threads used by the Java loops. */
  public int threads() {
    return parallel.threads();
  }

  /** Number of tensors allocated and not yet closed (for leak checks). */
  public int liveTensors() {
    return memory.liveTensors();
  }

  /** Whether the off-heap memory runs in checking mode ({@link CpuOptions#checkMemory}). */
  public boolean checksMemory() {
    return memory.pool().checking();
  }

  /** The tensors still open, with their allocation sites in checking mode. */
  public OpenTensorReport openTensors() {
    return memory.openTensors();
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor zeros(DType dtype, Shape shape) {
    return memory.zeros(dtype, shape);
  }

  /** A FLOAT32 tensor of n elements left uninitialised, for buffers a kernel overwrites. */
  Tensor scratch(long n) {
    return memory.scratch(n);
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
    if (value == 0f && x.numel() > 0) {
      org.bytedeco.javacpp.Pointer.memset(cpu(x).block(), 0, 4 * x.numel());
      return;
    }
    elementwise.fill(Mat.of(x), value);
  }

  @Override
  public void fill(Mat x, float value) {
    elementwise.fill(x, value);
  }

  // ---------------------------------------------------------------- GEMM

  @Override
  public void gemm(Mat a, boolean ta, Mat b, boolean tb, Mat c, float alpha, float beta) {
    gemm.gemm(a, ta, b, tb, c, alpha, beta);
  }

  /** In bf16 mode op(B) is converted to bfloat16 once here; otherwise B is used as it is. */
  @Override
  public GemmOperand prepare(Mat b, boolean transB) {
    return gemm.prepare(b, transB);
  }

  @Override
  public void gemm(Mat a, boolean ta, GemmOperand b, Mat c, float alpha, float beta) {
    gemm.gemm(a, ta, b, c, alpha, beta);
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
  public void scaleRows(Tensor x, Tensor scale) {
    elementwise.scaleRows(x, scale);
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
    return reductions.sum(f(x), (int) x.numel(), true);
  }

  @Override
  public double sum(Tensor x) {
    return reductions.sum(f(x), (int) x.numel(), false);
  }

  @Override
  public boolean allFinite(Tensor x) {
    return CpuReductions.allFinite(f(x), (int) x.numel());
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
  public void topK(Tensor x, int k, float[] values, int[] indices) {
    softmax.topK(x, k, values, indices);
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
    CpuEmbedding.gather(table, ids, out);
  }

  @Override
  public void embeddingScatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable) {
    CpuEmbedding.scatterAdd(dOut, ids, skipId, dTable);
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
  public void synchronize() {}

  /**
   * Releases every tensor still open ({@link CpuMemory#close}) and stops the thread pool, which
   * stops even where a damaged block makes the release throw.
   */
  @Override
  public void close() {
    if (memory.closed()) {
      return;
    }
    try {
      memory.close();
    } finally {
      parallel.close();
    }
  }

  @Override
  public String toString() {
    return "CpuBackend[threads=" + parallel.threads() + "]";
  }
}
