package dev.rnn4j.nn;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;

/**
 * An Elman RNN stack ({@code nn.RNN} with {@code batch_first=True}); see {@link RecurrentLayer}.
 */
public final class Rnn extends RecurrentLayer {
  public Rnn(
      Backend backend,
      Activation activation,
      int inputSize,
      int hiddenSize,
      int numLayers,
      boolean bidirectional,
      float dropout,
      long seed) {
    super(
        backend,
        new RecurrentConfig(
            activation == Activation.RELU ? CellType.RNN_RELU : CellType.RNN_TANH,
            inputSize,
            hiddenSize,
            numLayers,
            bidirectional,
            dropout),
        seed);
  }

  /** One tanh layer, one direction. */
  public Rnn(Backend backend, int inputSize, int hiddenSize, long seed) {
    this(backend, Activation.TANH, inputSize, hiddenSize, 1, false, 0f, seed);
  }
}
