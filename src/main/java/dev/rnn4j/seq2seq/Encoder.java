package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Embedding;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The encoder: the source embedding ({@code encoder.embedding.weight} (Vs, E), also the target's
 * when they are shared), embedding dropout, and the stacked (bi)RNN ({@code encoder.rnn.*}) whose
 * output (B, S, D·He) is the memory attention reads and whose final states go to the {@link
 * Bridge}. Parameter gradients accumulate. Thread-safety as the model.
 */
final class Encoder implements Module {
  private final Backend be;
  private final Seq2SeqConfig cfg;
  private final Embedding embedding;
  private final RecurrentLayer rnn;

  /** Draws the embedding's seed from {@code rng}, then the RNN's. */
  Encoder(Backend be, Seq2SeqConfig cfg, SplittableRandom rng) {
    this.be = be;
    this.cfg = cfg;
    this.embedding =
        new Embedding(
            be,
            "encoder.embedding.weight",
            cfg.srcVocab(),
            cfg.embedSize(),
            Seq2SeqModel.PAD,
            rng.nextLong());
    try {
      this.rnn =
          new RecurrentLayer(
              be,
              new RecurrentConfig(
                  cfg.cell(),
                  cfg.embedSize(),
                  cfg.encoderHidden(),
                  cfg.encoderLayers(),
                  cfg.bidirectional(),
                  cfg.dropout()),
              rng.nextLong(),
              "encoder.rnn.");
    } catch (RuntimeException e) {
      embedding.close();
      throw e;
    }
  }

  /** The source embedding. */
  Embedding embedding() {
    return embedding;
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> p = new ArrayList<>(embedding.parameters());
    p.addAll(rnn.parameters());
    return p;
  }

  @Override
  public Backend backend() {
    return be;
  }

  /** Sets the RNN's dropout call counter (its seed stays). */
  void setDropoutCalls(long calls) {
    rnn.setDropoutState(rnn.dropoutState()[0], calls);
  }

  /**
   * The source ids (B·S) on the backend, the embedding-dropout mask (or null) and the RNN's output
   * and final states, all owned by the forward's {@code open} list.
   */
  record Output(Tensor ids, Tensor mask, RecurrentOutput rnn) {}

  /**
   * Encodes the sources {@code src} (B, S) row-major with their lengths; with {@code train},
   * embedding dropout from {@code dropout} and dropout between the RNN's layers.
   */
  Output forward(
      int[] src,
      int[] lengths,
      int b,
      int s,
      DropoutStreams dropout,
      boolean train,
      List<AutoCloseable> open) {
    Tensor ids = own(open, be.uploadInts(src, b * s));
    Tensor x = own(open, embedding.forward(ids, b, s, cfg.embedSize()));
    Tensor mask = dropout.embeddings(x, DropoutStreams.SOURCE_EMBEDDING_SEED, train, open);
    RecurrentOutput out = own(open, rnn.forward(x, lengths, null, null, train));
    return new Output(ids, mask, out);
  }

  /**
   * Backward from the gradients of the memory (B, S, D·He) and of the final states (dhN, dcN or
   * null): adds into the RNN's and the embedding's parameter gradients.
   */
  void backward(Output f, Tensor dMemory, Tensor dhN, Tensor dcN, List<AutoCloseable> open) {
    RecurrentGradients g = own(open, rnn.backward(f.rnn(), dMemory, dhN, dcN));
    if (f.mask() != null) {
      be.mul(g.input(), f.mask(), g.input());
    }
    embedding.backward(f.ids(), g.input());
  }
}
