package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;

/** A GRU stack ({@code nn.GRU} with {@code batch_first=True}); see {@link RecurrentLayer}. */
public final class Gru extends RecurrentLayer {
  public Gru(
      Backend backend,
      int inputSize,
      int hiddenSize,
      int numLayers,
      boolean bidirectional,
      float dropout,
      long seed) {
    super(
        backend,
        new RecurrentConfig(CellType.GRU, inputSize, hiddenSize, numLayers, bidirectional, dropout),
        seed);
  }

  /** One layer, one direction. */
  public Gru(Backend backend, int inputSize, int hiddenSize, long seed) {
    this(backend, inputSize, hiddenSize, 1, false, 0f, seed);
  }
}
