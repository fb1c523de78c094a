package dev.rnn4j.backend;

import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;

/**
 * Every primitive recurrent training needs, over tensors this backend owns. Implementations: the
 * CPU backend (oneDNN sgemm plus fused Java loops; also the reference for every kernel) and the
 * CUDA backend (cuBLAS plus our own kernels). Each method names its formula; shapes are row-major.
 * No method exposes host arrays except the explicit upload and download calls.
 *
 * <p><b>Conventions.</b> Gradient outputs <i>overwrite</i> their destination unless the method says
 * it accumulates ({@code +=}). Sequence tensors are batch-first (B, T, F). {@code lengths} is an
 * INT32 tensor of B entries, each in [1, T], or {@code null} for "all T"; steps at {@code t >=
 * lengths[b]} are padding. Cell gate orders follow PyTorch: LSTM (i, f, g, o), GRU (r, z, n).
 *
 * <p><b>Threads.</b> A backend may be shared by threads that work on disjoint tensors; one tensor
 * is written by one thread at a time. Calls are ordered: on an asynchronous backend every call sees
 * the results of earlier calls from the same thread.
 */
public interface Backend extends AutoCloseable {

  /** Short name: {@code "cpu"} or {@code "cuda"}. */
  String name();

  /**
   * The name with the settings a user should see where they differ from the defaults, e.g. {@code
   * "cpu (bf16 GEMMs)"}; by default {@link #name()}.
   */
  default String describe() {
    return name();
  }

  // ---------------------------------------------------------------- memory

  /** A new tensor of zeros. */
  Tensor zeros(DType dtype, Shape shape);

  /** A new FLOAT32 tensor of zeros. */
  default Tensor zeros(int... dims) {
    return zeros(DType.FLOAT32, Shape.of(dims));
  }

  /** A new FLOAT32 tensor holding {@code data} (length must equal the shape's element count). */
  Tensor upload(float[] data, int... dims);

  /** A new INT32 tensor holding {@code data}. */
  Tensor uploadInts(int[] data, int... dims);

  /** Copies a FLOAT32 tensor to a new host array. */
  float[] download(Tensor t);

  /** Copies an INT32 tensor to a new host array. */
  int[] downloadInts(Tensor t);

  /** dst = src, whole tensors of equal element count and type. */
  void copy(Tensor src, Tensor dst);

  /** dst[r, c] = src[r, c] for two views of equal size. */
  void copy(Mat src, Mat dst);

  /** dst[c, r] = src[r, c]: dst is a (src.cols, src.rows) view; the two must not overlap. */
  void transpose(Mat src, Mat dst);

  /** x[:] = value. */
  void fill(Tensor x, float value);

  /** x[r, c] = value over a view. */
  void fill(Mat x, float value);

  // ---------------------------------------------------------------- GEMM

  /**
   * C = alpha * op(A) * op(B) + beta * C, with op(X) = X or X^T. Shapes: op(A) (M, K), op(B) (K,
   * N), C (M, N). With {@code beta == 0} C is not read (NaN in C is overwritten).
   */
  void gemm(Mat a, boolean transA, Mat b, boolean transB, Mat c, float alpha, float beta);

  /**
   * op(B) made ready for many {@link #gemm(Mat, boolean, GemmOperand, Mat, float, float)} products
   * (e.g. W_hh at every step of a sequence): a backend may convert it once here instead of at every
   * product. B must not change until the operand is closed. The default keeps B as it is.
   */
  default GemmOperand prepare(Mat b, boolean transB) {
    return new GemmOperand(b, transB, null);
  }

  /** C = alpha * op(A) * op(B) + beta * C with a {@link #prepare}d op(B); as {@link #gemm}. */
  default void gemm(Mat a, boolean transA, GemmOperand b, Mat c, float alpha, float beta) {
    b.prepared(); // fails once closed, in every backend
    gemm(a, transA, b.mat(), b.transposed(), c, alpha, beta);
  }

  /**
   * For i in [0, count): C_i = alpha * op(A_i) * op(B_i) + beta * C_i, where X_i is the view X
   * moved by {@code i * strideX} elements. Used for attention (one matrix per batch entry).
   */
  void gemmStridedBatched(
      int count,
      Mat a,
      long strideA,
      boolean transA,
      Mat b,
      long strideB,
      boolean transB,
      Mat c,
      long strideC,
      float alpha,
      float beta);

  // ---------------------------------------------------------------- elementwise and reductions

  /** y = alpha * x + beta * y over whole tensors of equal size. */
  void axpby(float alpha, Tensor x, float beta, Tensor y);

  /** out = a ⊙ b (elementwise product); out may alias a or b. */
  void mul(Tensor a, Tensor b, Tensor out);

  /** x = alpha * x. */
  void scale(Tensor x, float alpha);

  /** m[r, :] += bias[:] for every row; bias has m.cols() elements. */
  void addRowVector(Mat m, Tensor bias);

  /** out[c] = beta * out[c] + sum_r m[r, c]: column sums (bias gradients), beta 0 or 1. */
  void sumRows(Mat m, Tensor out, float beta);

  /** y = tanh(x); x and y may alias. */
  void tanh(Tensor x, Tensor y);

  /** dx = beta * dx + dy ⊙ (1 - y²), given y = tanh(x). */
  void tanhBackward(Tensor y, Tensor dy, Tensor dx, float beta);

  /** Σ x², accumulated in double, over a FLOAT32 tensor. Synchronises with the host. */
  double sumSquares(Tensor x);

  /** Σ x, accumulated in double. Synchronises with the host. */
  double sum(Tensor x);

  // ---------------------------------------------------------------- sequence helpers

  /**
   * Reverses each sequence within its own length: dst[b, t] = src[b, len_b - 1 - t] for t &lt;
   * len_b and 0 for padding. src, dst: (B, T, F); its own inverse on the valid steps.
   */
  void reverseSequences(Tensor src, Tensor dst, Tensor lengths);

  /**
   * out[b, :] = seq[b, len_b - 1, :]: last valid step of each sequence. seq (B, T, F), out (B, F).
   */
  void gatherLastStep(Tensor seq, Tensor lengths, Tensor out);

  /** seq[b, len_b - 1, :] += x[b, :]. seq (B, T, F), x (B, F). */
  void scatterAddLastStep(Tensor x, Tensor lengths, Tensor seq);

  /**
   * Masks keys past each source length: scores[b, q, s] = value for s >= lengths[b]. scores (B, Q,
   * S).
   */
  void maskKeys(Tensor scores, Tensor lengths, float value);

  // ---------------------------------------------------------------- recurrent cells (one step)

  /**
   * One tanh/relu RNN step. In: {@code pre} (B, H) = x W_ih^T + b_ih + h_{t-1} W_hh^T. Out: h[b] =
   * act(pre[b] + b_hh) for valid rows, 0 for padding rows (t >= len_b).
   */
  void rnnCellForward(Activation act, Mat pre, Tensor biasHh, Mat h, Tensor lengths, int t);

  /**
   * Backward of {@link #rnnCellForward}: dPre = dh ⊙ act'(h) on valid rows, 0 on padding rows. h
   * (B, H) is the step's output; dPre may alias dh.
   */
  void rnnCellBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t);

  /**
   * One LSTM step. In: {@code gates} (B, 4H) = x W_ih^T + b_ih + h_{t-1} W_hh^T, cPrev (B, H). With
   * a = gates + b_hh: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c = f ⊙ cPrev + i ⊙ g; h =
   * o ⊙ tanh(c). Writes the activated (i, f, g, o) back into {@code gates} (saved for backward), c
   * and h. Padding rows: c = cPrev (carried), h = 0, gates = 0.
   */
  void lstmCellForward(Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t);

  /**
   * One LSTM step with its recurrent product: {@code gates += hPrev · op(W_hh)} (hPrev (B, H), w
   * prepared by {@link #prepare} with op(W_hh) of shape (H, 4H)), then {@link #lstmCellForward}.
   * The default does exactly that; a backend may fuse the two (the CUDA backend does for small
   * batches, where one launch instead of two halves the per-step cost).
   */
  default void lstmStepForward(
      Mat hPrev,
      GemmOperand w,
      Mat gates,
      Tensor biasHh,
      Mat cPrev,
      Mat c,
      Mat h,
      Tensor lengths,
      int t) {
    gemm(hPrev, false, w, gates, 1f, 1f);
    lstmCellForward(gates, biasHh, cPrev, c, h, lengths, t);
  }

  /**
   * Backward of {@link #lstmCellForward}. In: activated gates, c, cPrev, dh (total gradient of
   * h_t), dc (gradient of c_t, (B, H) contiguous). Out: dGates (B, 4H) = gradient of the
   * pre-activations, and dc overwritten with the gradient of cPrev. Padding rows: dGates = 0, dc
   * passes through unchanged.
   */
  void lstmCellBackward(
      Mat gates, Mat c, Mat cPrev, Mat dh, Tensor dc, Mat dGates, Tensor lengths, int t);

  /**
   * One GRU step. In: {@code xGates} (B, 3H) = x W_ih^T + b_ih, {@code hGates} (B, 3H) = h_{t-1}
   * W_hh^T, hPrev (B, H). r = σ(x_r + h_r + bh_r), z = σ(x_z + h_z + bh_z), n = tanh(x_n + r ⊙ (h_n
   * + bh_n)), h = (1 - z) ⊙ n + z ⊙ hPrev. Saves (r, z, n, h_n + bh_n) into {@code saved} (B, 4H).
   * Padding rows: h = 0, saved = 0.
   */
  void gruCellForward(
      Mat xGates, Mat hGates, Tensor biasHh, Mat hPrev, Mat h, Mat saved, Tensor lengths, int t);

  /**
   * Backward of {@link #gruCellForward}. In: saved (B, 4H), hPrev, dh. Out: dxGates (B, 3H) =
   * gradient of the x-side pre-activations, dhGates (B, 3H) = gradient of the h-side ones (h_n part
   * includes r), and dhPrev += dh ⊙ z (accumulates). Padding rows: all zero, dhPrev unchanged.
   */
  void gruCellBackward(
      Mat saved, Mat hPrev, Mat dh, Mat dxGates, Mat dhGates, Mat dhPrev, Tensor lengths, int t);

  // ---------------------------------------------------------------- fused sequences (optional)

  /**
   * A whole-sequence kernel for one layer direction of {@code cell} with these sizes, or null where
   * this backend has none faster than the per-step cells above (the default). Callers use it only
   * for batches whose sequences all have T steps and fall back to the per-step cells otherwise.
   */
  default FusedSequence fusedSequence(SequenceCell cell, int inputSize, int hiddenSize) {
    return null;
  }

  // ---------------------------------------------------------------- softmax and loss

  /** Row-wise y[r, :] = softmax(x[r, :]) = exp(x - max) / Σ exp(x - max). x, y: (N, V). */
  void softmax(Tensor x, Tensor y);

  /** Row-wise y = x - max - log Σ exp(x - max). x, y: (N, V). */
  void logSoftmax(Tensor x, Tensor y);

  /**
   * The k largest values of each row of x (R, C), descending, and their column indices: values (R,
   * k) and indices (R, k) row-major on the host ({@link TopK#row}: ties to the smaller index, NaN
   * below every number). Only R·k values cross to the host, not the whole matrix (beam search over
   * a large vocabulary). The default downloads x and runs the reference.
   */
  default void topK(Tensor x, int k, float[] values, int[] indices) {
    int[] d = x.shape().dims();
    int cols = d[d.length - 1];
    int rows = (int) (x.numel() / Math.max(1, cols));
    if (k < 1 || k > cols || values.length < rows * k || indices.length < rows * k) {
      throw new IllegalArgumentException(
          "topK: k "
              + k
              + " of "
              + cols
              + " columns into arrays of "
              + values.length
              + "/"
              + indices.length
              + " for "
              + rows
              + " rows");
    }
    java.nio.FloatBuffer all = java.nio.FloatBuffer.wrap(download(x));
    for (int r = 0; r < rows; r++) {
      TopK.row(all, r * cols, cols, k, values, indices, r * k);
    }
  }

  /**
   * Row-wise x[r, :] *= scale[r] for x (R, C) (any rank: the last dimension is C) and scale (R), in
   * place (the pointer-generator's per-token weight on a cross-entropy gradient). The default
   * downloads x, scales on the host and uploads the result.
   */
  default void scaleRows(Tensor x, Tensor scale) {
    int[] d = x.shape().dims();
    int cols = d[d.length - 1];
    int rows = (int) (x.numel() / Math.max(1, cols));
    if (scale.numel() != rows) {
      throw new IllegalArgumentException(
          "scaleRows: " + scale.numel() + " scales for " + rows + " rows of " + x.shape());
    }
    float[] a = download(x);
    float[] s = download(scale);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        a[r * cols + c] *= s[r];
      }
    }
    try (Tensor t = upload(a, d)) {
      copy(t, x);
    }
  }

  /** dx[r, :] = y ⊙ (dy - Σ dy ⊙ y) given y = softmax(x); dx may alias dy. */
  void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

  /**
   * Fused log-softmax + cross-entropy with label smoothing ε over V classes: for each row r with
   * target t_r != ignoreIndex, loss_r = -(1 - ε) log p[t_r] - (ε / V) Σ_v log p[v]; rows with the
   * ignore index give 0. Writes per-row losses into {@code losses} (N) and the softmax p into
   * {@code probs} (N, V) for the backward (probs may be the logits tensor itself, saving memory);
   * returns Σ loss_r (synchronises).
   */
  double crossEntropyForward(
      Tensor logits, Tensor targets, int ignoreIndex, float smoothing, Tensor probs, Tensor losses);

  /**
   * dLogits[r, :] = scale * (p[r, :] - (1 - ε) onehot(t_r) - ε / V) for kept rows, 0 for ignored
   * rows; dLogits may alias probs.
   */
  void crossEntropyBackward(
      Tensor probs, Tensor targets, int ignoreIndex, float smoothing, float scale, Tensor dLogits);

  // ---------------------------------------------------------------- embeddings

  /** out[n, :] = table[ids[n], :]. table (V, E), ids INT32 (N), out (N, E). Checks id range. */
  void embeddingGather(Tensor table, Tensor ids, Tensor out);

  /** dTable[ids[n], :] += dOut[n, :] (accumulates; rows with id == skipId are skipped). */
  void embeddingScatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable);

  // ---------------------------------------------------------------- regularisation and optimiser

  /**
   * Inverted dropout with a counter-based generator: mask[i] = (u(seed, i) >= p) / (1 - p), y = x ⊙
   * mask. The same seed gives the same mask on every backend run and thread count.
   */
  void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y);

  /**
   * Adam / AdamW step at (1-based) {@code step}: m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; w -= lr
   * (m / (1-β1^step)) / (sqrt(v / (1-β2^step)) + eps) + lr * weightDecay * w (decoupled, AdamW; 0
   * for plain Adam).
   */
  void adamUpdate(
      Tensor w,
      Tensor g,
      Tensor m,
      Tensor v,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      long step);

  /** SGD with momentum: buf = μ buf + g; w -= lr * buf (buf unused when μ = 0). */
  void sgdUpdate(Tensor w, Tensor g, Tensor buf, float lr, float momentum);

  /** Whether every element of a FLOAT32 tensor is finite. Synchronises. */
  boolean allFinite(Tensor x);

  /** Waits until every queued operation has finished (a no-op on the CPU). */
  void synchronize();

  /** Releases every tensor this backend still owns and its native resources. */
  @Override
  void close();
}
