package dev.rnn4j.backend;

/** Nonlinearity of a plain (Elman) RNN cell, as in PyTorch's {@code nn.RNN(nonlinearity=...)}. */
public enum Activation {
  /** tanh(x). */
  TANH,
  /** max(0, x). */
  RELU
}
