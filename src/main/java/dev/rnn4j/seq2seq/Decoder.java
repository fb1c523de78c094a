package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The decoder: the stacked RNN ({@code decoder.rnn.*}) and the attention over the encoder's output
 * ({@code attention.*}, none for {@link AttentionType#NONE}). Training runs a teacher-forced pass
 * over all target steps ({@link #forward}): without input feeding the RNN over all steps at once
 * and then attention over all of them (the fast path: one RNN call, one attention call); with input
 * feeding or Bahdanau attention one {@link #step} at a time ({@link StepwisePass}). Decoding runs
 * the same {@link #step} once per output token. Parameter gradients accumulate. Thread-safety as
 * the model.
 */
final class Decoder implements Module {
  private final Backend be;
  private final Seq2SeqConfig cfg;
  private final RecurrentLayer rnn;
  private final LuongAttention attention; // null without attention
  private final boolean bahdanau;

  /**
   * What attention reads: the encoder output (B, S, M), its keys (B, S, H) (the memory itself for
   * DOT; null without attention) and the source lengths (B) on the backend. In training a view of
   * tensors owned elsewhere; decoding's own copies are closed with {@link #close}.
   */
  record Memory(Tensor memory, Tensor keys, Tensor lengths) implements AutoCloseable {
    /**
     * Rows {@code srcRow[i]} for N hypotheses, in new tensors (keys that are the memory itself stay
     * so); {@code hostLengths} (B) are the lengths on the host.
     */
    Memory rows(Backend be, int[] srcRow, int[] hostLengths) {
      int n = srcRow.length;
      int s = memory.shape().dim(1);
      int[] idx = new int[n * s];
      int[] lens = new int[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < s; j++) {
          idx[i * s + j] = srcRow[i] * s + j;
        }
        lens[i] = hostLengths[srcRow[i]];
      }
      try (Tensor ids = be.uploadInts(idx, n * s)) {
        Tensor m = be.zeros(n, s, memory.shape().dim(2));
        be.embeddingGather(memory, ids, m);
        Tensor k = m;
        if (keys != memory) {
          k = be.zeros(n, s, keys.shape().dim(2));
          be.embeddingGather(keys, ids, k);
        }
        return new Memory(m, k, be.uploadInts(lens, n));
      }
    }

    /** Closes the three tensors (the keys once where they are the memory). */
    @Override
    public void close() {
      if (keys != memory && keys != null) {
        keys.close();
      }
      memory.close();
      lengths.close();
    }
  }

  /** Draws the RNN's seed from {@code rng}, then the attention's weights. */
  Decoder(Backend be, Seq2SeqConfig cfg, SplittableRandom rng) {
    this.be = be;
    this.cfg = cfg;
    this.bahdanau = cfg.attention() == AttentionType.BAHDANAU;
    this.rnn =
        new RecurrentLayer(
            be,
            new RecurrentConfig(
                cfg.cell(),
                cfg.decoderInputSize(),
                cfg.decoderHidden(),
                cfg.decoderLayers(),
                false,
                cfg.dropout()),
            rng.nextLong(),
            "decoder.rnn.");
    try {
      this.attention =
          cfg.attention() == AttentionType.NONE
              ? null
              : new LuongAttention(
                  be,
                  cfg.attention(),
                  cfg.memorySize(),
                  cfg.decoderHidden(),
                  rng,
                  cfg.coverageAttention());
    } catch (RuntimeException e) {
      rnn.close();
      throw e;
    }
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> p = new ArrayList<>(rnn.parameters());
    if (attention != null) {
      p.addAll(attention.parameters());
    }
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
   * The attention keys (B, S, H) of a memory (B, S, M): a new tensor, or the memory itself for DOT;
   * null without attention.
   */
  Tensor keys(Tensor memory) {
    return attention == null ? null : attention.keys(memory);
  }

  /**
   * The teacher-forced pass over the embedded target inputs {@code tgtX} (B, T, E) from the bridged
   * states; everything is owned by {@code open}.
   */
  DecoderPass forward(
      Tensor tgtX,
      int[] tgtLengths,
      Memory src,
      Bridge.States init,
      boolean train,
      List<AutoCloseable> open) {
    if (bahdanau || cfg.inputFeeding() || cfg.coverageAttention()) {
      return new StepwisePass(this, rnn, attention, cfg, tgtX, src, init, train, open);
    }
    return parallel(tgtX, tgtLengths, src, init, train, open);
  }

  /** Without input feeding: the RNN over all steps at once, then attention over all. */
  private DecoderPass parallel(
      Tensor tgtX,
      int[] tgtLengths,
      Memory src,
      Bridge.States init,
      boolean train,
      List<AutoCloseable> open) {
    RecurrentOutput dec = own(open, rnn.forward(tgtX, tgtLengths, init.h0(), init.c0(), train));
    LuongAttention.Step att =
        attention == null
            ? null
            : own(open, attention.forward(src.memory(), src.keys(), src.lengths(), dec.output()));
    return new DecoderPass() {
      @Override
      public Tensor hTilde() {
        return att == null ? dec.output() : att.out();
      }

      @Override
      public Tensor weights(List<AutoCloseable> o) {
        return att.weights();
      }

      @Override
      public Tensor[] backward(Tensor dH, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
        Tensor dDec = dH;
        if (att != null) {
          dDec = own(o, be.zeros(dH.shape().dims()));
          attention.backward(att, dH, dDec, dMemory, dWeights, null);
        }
        RecurrentGradients gd = own(o, rnn.backward(dec, dDec, null, null));
        return new Tensor[] {gd.input(), gd.h0(), gd.c0()};
      }
    };
  }

  /** One step's RNN output and attention (null without attention). */
  record Step(RecurrentOutput out, LuongAttention.Step att) {
    /** h̃ (N, 1, H): the attentional state, or the RNN output without attention. */
    Tensor hTilde() {
      return att == null ? out.output() : att.out();
    }
  }

  /**
   * One decoder step for N rows, shared by the step-by-step training pass and decoding. The RNN
   * reads step t of {@code emb} (N, T, E) from the state (h (Ld, N, H), c or null): beside it, with
   * input feeding, the previous h̃ (N, H) ({@code prevHTilde}; zero when null); with Bahdanau
   * attention, the context c_t attended with the top layer of h, and h̃ = tanh(W_c [c_t; h_t]).
   * Luong attention reads the RNN's output. Without feeding or Bahdanau and with T = 1, the RNN
   * reads {@code emb} itself. With coverage attention the scores read {@code coverage} (N, 1, S)
   * (any shape of N·S elements), else null. Everything is owned by {@code open}.
   */
  Step step(
      Tensor emb,
      int t,
      Mat prevHTilde,
      Memory src,
      Tensor coverage,
      Tensor h,
      Tensor c,
      boolean train,
      List<AutoCloseable> open) {
    int n = emb.shape().dim(0);
    int e = cfg.embedSize();
    LuongAttention.Step att = null;
    Mat fed = null;
    int fedSize = cfg.decoderInputSize() - e;
    if (bahdanau) {
      Tensor query = own(open, be.zeros(n, 1, cfg.decoderHidden()));
      be.copy(Mat.of(h).rows((cfg.decoderLayers() - 1) * n, n), Mat.of(query));
      att = own(open, attention.attend(src.memory(), src.keys(), src.lengths(), query, coverage));
      fed = att.context();
    } else if (cfg.inputFeeding()) {
      fed = prevHTilde;
    }
    Tensor x = emb;
    if (fedSize > 0 || emb.shape().dim(1) != 1) {
      x = own(open, be.zeros(n, 1, e + fedSize));
      be.copy(Mat.step(emb, t), Mat.of(x).cols(0, e));
      if (fed != null) {
        be.copy(fed, Mat.of(x).cols(e, fedSize));
      }
    }
    RecurrentOutput out = own(open, rnn.forward(x, null, h, c, train));
    if (bahdanau) {
      attention.readout(att, out.output());
    } else if (attention != null) {
      att =
          own(
              open,
              attention.forward(src.memory(), src.keys(), src.lengths(), out.output(), coverage));
    }
    return new Step(out, att);
  }
}
