package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;

/** An LSTM stack ({@code nn.LSTM} with {@code batch_first=True}); see {@link RecurrentLayer}. */
public final class Lstm extends RecurrentLayer {
  public Lstm(
      Backend backend,
      int inputSize,
      int hiddenSize,
      int numLayers,
      boolean bidirectional,
      float dropout,
      long seed) {
    super(
        backend,
        new RecurrentConfig(
            CellType.LSTM, inputSize, hiddenSize, numLayers, bidirectional, dropout),
        seed);
  }

  /** One layer, one direction. */
  public Lstm(Backend backend, int inputSize, int hiddenSize, long seed) {
    this(backend, inputSize, hiddenSize, 1, false, 0f, seed);
  }
}
