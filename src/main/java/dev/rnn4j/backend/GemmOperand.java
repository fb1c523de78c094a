package dev.rnn4j.backend;

import dev.rnn4j.tensor.Mat;

/**
 * A GEMM right-hand operand op(B) made ready once for many products, such as a recurrent weight
 * matrix used at every time step: see {@link Backend#prepare(Mat, boolean)}. A backend may keep a
 * converted copy (the CPU backend's bf16 mode keeps a bfloat16 one), so B must not change while the
 * operand is open. Close it to free that copy. Not thread-safe to close while in use.
 */
public final class GemmOperand implements AutoCloseable {
  private final Mat mat;
  private final boolean transposed;
  private final AutoCloseable prepared;
  private boolean closed;

  /**
   * B as given (op(B) = B, or Bᵀ when {@code transposed}) with a backend's own prepared form of it
   * (null when it keeps none); closing the operand closes {@code prepared}.
   */
  public GemmOperand(Mat mat, boolean transposed, AutoCloseable prepared) {
    if (mat == null) {
      throw new IllegalArgumentException("GemmOperand: the matrix B is null; pass the Mat to use");
    }
    this.mat = mat;
    this.transposed = transposed;
    this.prepared = prepared;
  }

  /** B itself. */
  public Mat mat() {
    return mat;
  }

  /** Whether op(B) is Bᵀ. */
  public boolean transposed() {
    return transposed;
  }

  /** The backend's prepared form, or null; throws once the operand is closed. */
  public AutoCloseable prepared() {
    if (closed) {
      throw new IllegalStateException("this GemmOperand was closed; prepare the operand again");
    }
    return prepared;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (prepared != null) {
      try {
        prepared.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing a prepared GEMM operand failed", e);
      }
    }
  }
}
