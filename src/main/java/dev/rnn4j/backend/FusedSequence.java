package dev.rnn4j.backend;

import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * One recurrent layer direction over whole, full-length sequences in a single call, with the same
 * maths as the per-step cells of {@link Backend} (PyTorch's weight layouts and gate orders). A
 * backend offers one through {@link Backend#fusedSequence} where it has a faster whole-sequence
 * kernel than the per-step loop (the CPU backend: oneDNN's RNN primitives).
 *
 * <p>Shapes: x (B, T, I), y (B, T, H), states (B, H) contiguous views; weights wIh (G·H, I), wHh
 * (G·H, H), biases (G·H), G = {@link SequenceCell#gates()}. Every sequence has all T steps.
 *
 * <p>Thread-safe: calls on disjoint tensors may run concurrently.
 */
public interface FusedSequence {

  /**
   * Whether training forwards (and so backward) should use this kernel; when false, callers use it
   * for inference only and train through the per-step cells (which the backend found faster for
   * these sizes).
   */
  default boolean forTraining() {
    return true;
  }

  /** What a training forward keeps for {@link #backward}; close it when done. */
  interface Saved extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Runs the recurrence: y[:, t] = h_t for t in [0, T); h0, c0 null for zeros (c0 only for LSTM).
   * Writes the final cell state into cN when not null (LSTM). Returns what backward needs when
   * {@code training}, else null. x and y must stay unchanged until the saved state is closed.
   */
  Saved forward(
      Tensor x,
      Mat h0,
      Mat c0,
      Tensor wIh,
      Tensor wHh,
      Tensor bIh,
      Tensor bHh,
      Tensor y,
      Mat cN,
      boolean training);

  /**
   * Back through time from dy (B, T, H), the gradient of y, and dhN, dcN (B, H) (null for zero),
   * the gradients of the final states (dhN adds to dy[:, T-1]). Overwrites dx (B, T, I) (null to
   * skip), dh0 and dc0 (LSTM; may be null); accumulates (+=) dWih, dWhh, dbIh, dbHh. The weights
   * must be those of the forward.
   */
  void backward(
      Saved saved,
      Tensor dy,
      Tensor dhN,
      Tensor dcN,
      Tensor wIh,
      Tensor wHh,
      Tensor bIh,
      Tensor bHh,
      Tensor dx,
      Mat dh0,
      Mat dc0,
      Tensor dWih,
      Tensor dWhh,
      Tensor dbIh,
      Tensor dbHh);
}
