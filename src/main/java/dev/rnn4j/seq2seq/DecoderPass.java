package dev.rnn4j.seq2seq;

import dev.rnn4j.tensor.Tensor;
import java.util.List;

/**
 * One teacher-forced decoder pass over a batch (see {@link Decoder#forward}): h̃ for every step,
 * the attention weights, and the backward pass. Its tensors are owned by the {@code open} list the
 * pass was created with.
 */
interface DecoderPass {
  /** h̃ (B, T, H) (the decoder output itself without attention). */
  Tensor hTilde();

  /** The attention weights (B, T, S), owned by the pass or by {@code open}. */
  Tensor weights(List<AutoCloseable> open);

  /**
   * From dH̃ (B, T, H) (used as workspace) and a direct gradient of the attention weights (B, T, S)
   * or null, adds into dMemory (B, S, M) and the decoder's parameter gradients and returns
   * {dEmbedded (B, T, E), dh0 (Ld, B, H), dc0 or null}, all owned by {@code open}.
   */
  Tensor[] backward(Tensor dHTilde, Tensor dMemory, Tensor dWeights, List<AutoCloseable> open);
}
