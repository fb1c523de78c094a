package dev.rnn4j.backend;

/** The cell of a fused whole-sequence recurrence ({@link Backend#fusedSequence}). */
public enum SequenceCell {
  /** h = tanh(W_ih x + b_ih + W_hh h + b_hh); one gate block. */
  RNN_TANH(1),
  /** h = relu(W_ih x + b_ih + W_hh h + b_hh); one gate block. */
  RNN_RELU(1),
  /** LSTM with PyTorch's gate order (i, f, g, o). */
  LSTM(4),
  /** GRU with PyTorch's gate order (r, z, n) and n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)). */
  GRU(3);

  private final int gates;

  SequenceCell(int gates) {
    this.gates = gates;
  }

  /** H-wide gate blocks in W_ih, W_hh, b_ih and b_hh. */
  public int gates() {
    return gates;
  }
}
