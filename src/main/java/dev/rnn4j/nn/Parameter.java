package dev.rnn4j.nn;

import dev.rnn4j.tensor.Tensor;

/**
 * A named trainable tensor and its gradient (same shape). Gradients accumulate ({@code +=}) over
 * backward passes until {@link #zeroGrad()}. Closing releases both tensors.
 */
public final class Parameter implements AutoCloseable {
  private final String name;
  private final Tensor value;
  private final Tensor grad;

  /** Wraps {@code value} and allocates a zero gradient of the same shape on its backend. */
  public Parameter(String name, Tensor value) {
    this.name = name;
    this.value = value;
    this.grad = value.backend().zeros(value.dtype(), value.shape());
  }

  /** PyTorch-style name, e.g. {@code weight_ih_l0_reverse}. */
  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }

  /** grad = 0. */
  public void zeroGrad() {
    grad.backend().fill(grad, 0f);
  }

  @Override
  public void close() {
    value.close();
    grad.close();
  }

  @Override
  public String toString() {
    return name + value.shape();
  }
}
