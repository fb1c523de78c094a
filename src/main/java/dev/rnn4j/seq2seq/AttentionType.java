package dev.rnn4j.seq2seq;

/** How a decoder state h_t scores an encoder state h_s (Luong et al. 2015). */
public enum AttentionType {
  /** No attention: the decoder sees the source only through its initial state. */
  NONE,
  /** score = h_t · h_s (needs decoder hidden = encoder output size). */
  DOT,
  /** score = h_t · (W_a h_s). */
  GENERAL
}
