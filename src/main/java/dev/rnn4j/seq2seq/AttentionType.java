package dev.rnn4j.seq2seq;

/** How a decoder state h_t scores an encoder state h_s (Luong et al. 2015). */
public enum AttentionType {
  /** No attention: the decoder sees the source only through its initial state. */
  NONE,
  /** score = h_t · h_s (needs decoder hidden = encoder output size). */
  DOT,
  /** score = h_t · (W_a h_s). */
  GENERAL,
  /**
   * Luong's concat score v · tanh(W_a [h_t; h_s]), written as v · tanh(W_q h_t + W_k h_s): the
   * additive score of Bahdanau et al. (2015), here applied to the current decoder state.
   */
  CONCAT,
  /**
   * Bahdanau et al. (2015): the additive score v · tanh(W_q h_{t-1} + W_k h_s) of the previous
   * decoder state (the top layer's), the context c_t fed to the decoder RNN with the embedding, and
   * h̃_t = tanh(W_c [c_t; h_t]) read out for the generator (Luong's readout in place of Bahdanau's
   * maxout layer). The decoder then runs step by step in training too.
   */
  BAHDANAU
}
