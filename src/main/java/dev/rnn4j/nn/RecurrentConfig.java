package dev.rnn4j.nn;

/**
 * Shape and options of a recurrent stack, validated on construction.
 *
 * @param cell the cell type
 * @param inputSize features per input step (I)
 * @param hiddenSize features of the state (H)
 * @param numLayers stacked layers (L >= 1)
 * @param bidirectional whether each layer also runs in reverse (D = 2)
 * @param dropout probability of dropping a layer's output before the next layer, in training only
 *     (not after the last layer), in [0, 1)
 */
public record RecurrentConfig(
    CellType cell,
    int inputSize,
    int hiddenSize,
    int numLayers,
    boolean bidirectional,
    float dropout) {
  public RecurrentConfig {
    if (cell == null) {
      throw new IllegalArgumentException(
          "cell type is null; use one of RNN_TANH, RNN_RELU, LSTM, GRU");
    }
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
    }
    if (hiddenSize < 1) {
      throw new IllegalArgumentException("hiddenSize must be >= 1, got " + hiddenSize);
    }
    if (numLayers < 1) {
      throw new IllegalArgumentException("numLayers must be >= 1, got " + numLayers);
    }
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** A one-layer, one-direction stack without dropout. */
  public static RecurrentConfig of(CellType cell, int inputSize, int hiddenSize) {
    return new RecurrentConfig(cell, inputSize, hiddenSize, 1, false, 0f);
  }

  /** Number of directions D (1 or 2). */
  public int directions() {
    return bidirectional ? 2 : 1;
  }

  /** Features per output step: D * H. */
  public int outputSize() {
    return directions() * hiddenSize;
  }

  public RecurrentConfig withLayers(int layers) {
    return new RecurrentConfig(cell, inputSize, hiddenSize, layers, bidirectional, dropout);
  }

  public RecurrentConfig withBidirectional(boolean bi) {
    return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bi, dropout);
  }

  public RecurrentConfig withDropout(float p) {
    return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, p);
  }
}
