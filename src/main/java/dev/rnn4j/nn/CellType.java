package dev.rnn4j.nn;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.SequenceCell;

/** The recurrent cell of a layer, with PyTorch's gate counts and orders. */
public enum CellType {
  /** Elman RNN with tanh: h = tanh(W_ih x + b_ih + W_hh h + b_hh). */
  RNN_TANH(1, Activation.TANH),
  /** Elman RNN with relu. */
  RNN_RELU(1, Activation.RELU),
  /** LSTM, gates (i, f, g, o). */
  LSTM(4, null),
  /** GRU, gates (r, z, n), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)). */
  GRU(3, null);

  private final int gates;
  private final Activation activation;

  CellType(int gates, Activation activation) {
    this.gates = gates;
    this.activation = activation;
  }

  /** Number of H-wide gate blocks in the weights (1, 4 or 3). */
  public int gates() {
    return gates;
  }

  /** The nonlinearity of an RNN cell; null for LSTM and GRU. */
  public Activation activation() {
    return activation;
  }

  /** The same cell as the backend's fused-sequence kernels name it. */
  SequenceCell sequenceCell() {
    return SequenceCell.valueOf(name());
  }

  /** Whether the cell has a memory cell c (LSTM). */
  public boolean hasCellState() {
    return this == LSTM;
  }
}
