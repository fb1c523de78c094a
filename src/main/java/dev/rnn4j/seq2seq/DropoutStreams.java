package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.List;

/**
 * The model's own dropout masks (the RNNs draw theirs between layers): one counter-based stream per
 * place — the source embeddings, the target embeddings, h̃ before the output projection — whose
 * seed advances by 31 per training step. The step counter is saved in checkpoints so that a resumed
 * run draws the same masks. Masks are owned by the caller's {@code open} list.
 */
final class DropoutStreams {
  static final long OUTPUT_SEED = 0x6A09E667F3BCC909L;
  static final long SOURCE_EMBEDDING_SEED = 0xBB67AE8584CAA73BL;
  static final long TARGET_EMBEDDING_SEED = 0x3C6EF372FE94F82BL;

  private final Backend be;
  private final Seq2SeqConfig cfg;
  private long calls;

  DropoutStreams(Backend be, Seq2SeqConfig cfg) {
    this.be = be;
    this.cfg = cfg;
  }

  /** Training steps so far. */
  long calls() {
    return calls;
  }

  void setCalls(long calls) {
    this.calls = calls;
  }

  /** Moves every stream on to the next training step. */
  void advance() {
    calls++;
  }

  /**
   * Embedding dropout in place on {@code x} (B, T, E) when training with embeddingDropout > 0, from
   * the stream {@code seed} ({@link #SOURCE_EMBEDDING_SEED} or {@link #TARGET_EMBEDDING_SEED});
   * returns the mask for the backward pass, or null.
   */
  Tensor embeddings(Tensor x, long seed, boolean train, List<AutoCloseable> open) {
    if (!train || cfg.embeddingDropout() == 0f) {
      return null;
    }
    Tensor mask = own(open, be.zeros(x.shape().dims()));
    be.dropout(x, cfg.embeddingDropout(), seed + 31 * calls, mask, x);
    return mask;
  }

  /**
   * Dropout on h̃ (B, T, H) before the output projection when training with dropout > 0: returns
   * {mask, dropped h̃}, or null (then h̃ goes on as it is).
   */
  Tensor[] output(Tensor hTilde, boolean train, List<AutoCloseable> open) {
    if (!train || cfg.dropout() <= 0) {
      return null;
    }
    Tensor mask = own(open, be.zeros(hTilde.shape().dims()));
    Tensor dropped = own(open, be.zeros(hTilde.shape().dims()));
    be.dropout(hTilde, cfg.dropout(), OUTPUT_SEED + 31 * calls, mask, dropped);
    return new Tensor[] {mask, dropped};
  }
}
