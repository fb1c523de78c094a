package dev.rnn4j.nn;

import dev.rnn4j.tensor.Tensor;

/**
 * The result of a recurrent forward pass. Owns its tensors (and, after a training forward, the
 * activations backward needs): close it when done.
 *
 * <p>{@code output} (B, T, D·H): the last layer's h at every step, forward direction in the first H
 * features, reverse in the next H; zero at padding steps. {@code hN}, {@code cN} (L·D, B, H): final
 * states, index {@code layer * D + direction}, each taken at its sequence's own last step (for the
 * reverse direction: after reading step 0). {@code cN} is null except for LSTM.
 */
public final class RecurrentOutput implements AutoCloseable {
  private final Tensor output;
  private final Tensor hN;
  private final Tensor cN;
  final StackCache cache; // null after an inference forward

  RecurrentOutput(Tensor output, Tensor hN, Tensor cN, StackCache cache) {
    this.output = output;
    this.hN = hN;
    this.cN = cN;
    this.cache = cache;
  }

  /** (B, T, D·H). */
  public Tensor output() {
    return output;
  }

  /** (L·D, B, H). */
  public Tensor hN() {
    return hN;
  }

  /** (L·D, B, H) for LSTM, else null. */
  public Tensor cN() {
    return cN;
  }

  /** Whether this output kept the activations a backward pass needs (a training forward). */
  public boolean hasActivations() {
    return cache != null && !cache.closed;
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
    output.close();
    hN.close();
    if (cN != null) {
      cN.close();
    }
  }

  /** Everything the stack's backward needs, per layer and direction. */
  static final class StackCache implements AutoCloseable {
    final Tensors owned = new Tensors();
    final RecurrentDirection.Cache[][] dirs; // [layer][direction]
    final Tensor[] layerInputs; // input of each layer (B, T, I_l); [0] is the user's input
    final Tensor[] dropoutMasks; // mask applied to layer l's output before layer l+1, or null
    Tensor lengths; // (B) INT32 or null, owned
    boolean closed;

    StackCache(int layers, int directions) {
      this.dirs = new RecurrentDirection.Cache[layers][directions];
      this.layerInputs = new Tensor[layers];
      this.dropoutMasks = new Tensor[layers];
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (RecurrentDirection.Cache[] row : dirs) {
        for (RecurrentDirection.Cache c : row) {
          if (c != null) {
            c.close();
          }
        }
      }
      owned.close();
    }
  }
}
