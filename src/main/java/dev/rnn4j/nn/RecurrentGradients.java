package dev.rnn4j.nn;

import dev.rnn4j.tensor.Tensor;

/**
 * Gradients of a recurrent backward pass with respect to its inputs (parameter gradients go into
 * each {@link Parameter#grad()}). Owns its tensors: close it when done.
 *
 * <p>{@code input} (B, T, I), zero at padding steps; {@code h0} and {@code c0} (L·D, B, H); {@code
 * c0} is null except for LSTM.
 */
public record RecurrentGradients(Tensor input, Tensor h0, Tensor c0) implements AutoCloseable {
  @Override
  public void close() {
    input.close();
    h0.close();
    if (c0 != null) {
      c0.close();
    }
  }
}
