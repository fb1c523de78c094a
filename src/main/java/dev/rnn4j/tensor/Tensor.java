package dev.rnn4j.tensor;

import dev.rnn4j.backend.Backend;

/**
 * A dense row-major block of 4-byte elements owned by a {@link Backend}: off-heap host memory on
 * the CPU backend, device memory on CUDA. Elements are read and written only through the owning
 * backend, so the same code runs on both.
 *
 * <p>A tensor holds native memory: close it (or the backend) when done. Closing twice is harmless;
 * using a closed tensor throws {@link IllegalStateException}. Tensors are not thread-safe: one
 * thread writes a tensor at a time.
 */
public interface Tensor extends AutoCloseable {
  /** The shape given at allocation. */
  Shape shape();

  /** The element type. */
  DType dtype();

  /** The backend that owns the memory. */
  Backend backend();

  /** Number of elements. */
  default long numel() {
    return shape().numel();
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /** Releases the memory. Idempotent. */
  @Override
  void close();
}
