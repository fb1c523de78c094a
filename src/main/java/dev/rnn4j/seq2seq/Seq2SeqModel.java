package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.nn.Embedding;
import dev.rnn4j.nn.Init;
import dev.rnn4j.nn.Linear;
import dev.rnn4j.nn.LoadResult;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * An encoder–decoder with Luong attention: source embedding → embedding dropout → stacked (bi)RNN
 * encoder → bridge (tanh(W h_enc) for h, W c_enc for c) → target embedding → embedding dropout →
 * stacked RNN decoder (teacher forcing) → attention → dropout → output projection → log-softmax.
 * Decoder layer l starts from the bridged final state of encoder layer {@code l + Le - Ld} (zero
 * input where that is below 0).
 *
 * <p>Parameter names follow PyTorch conventions ({@code encoder.rnn.weight_ih_l0}, {@code
 * generator.weight}, ...). Ids 0..3 are PAD, BOS, EOS, UNK.
 *
 * <p><b>Threads.</b> Encoding and decoding (inference) read the parameters only and may run on many
 * threads at once; a training step must not overlap with any other call. {@link #close()} may come
 * from any thread at any time: it waits for the calls in flight (each at most one encode, decoder
 * step or training step), then frees the parameters; every later call, including the next step of a
 * translation that was under way, throws {@link IllegalStateException} ("model closed while
 * decoding") instead of touching freed memory.
 */
public final class Seq2SeqModel implements Module {
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int UNK = 3;

  private final Backend be;
  private final Seq2SeqConfig cfg;
  private final Embedding srcEmb;
  private final Embedding tgtEmb;
  private final RecurrentLayer encoder;
  private final RecurrentLayer decoder;
  private final Linear bridgeH;
  private final Linear bridgeC;
  private final LuongAttention attention;
  private final Parameter genWeight; // (V, H): own, or the decoder embedding when tied
  private final Parameter genBias; // (V)
  private final CopyGenerator copy; // null without copy attention
  private final List<Parameter> parameters;
  private long dropoutCalls;

  /** Calls that read the parameters hold the read lock; {@link #close()} takes the write lock. */
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

  private volatile boolean closed;

  public Seq2SeqModel(Backend be, Seq2SeqConfig cfg, long seed) {
    this.be = be;
    this.cfg = cfg;
    SplittableRandom rng = new SplittableRandom(seed);
    List<Module> parts = new ArrayList<>();
    try {
      srcEmb =
          add(
              parts,
              new Embedding(
                  be,
                  "encoder.embedding.weight",
                  cfg.srcVocab(),
                  cfg.embedSize(),
                  PAD,
                  rng.nextLong()));
      encoder =
          add(
              parts,
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
                  "encoder.rnn."));
      int bridgeIn = cfg.memorySize();
      bridgeH =
          add(
              parts,
              new Linear(be, "bridge.h.", bridgeIn, cfg.decoderHidden(), true, rng.nextLong()));
      bridgeC =
          cfg.cell().hasCellState()
              ? add(
                  parts,
                  new Linear(be, "bridge.c.", bridgeIn, cfg.decoderHidden(), true, rng.nextLong()))
              : null;
      long tgtEmbSeed = rng.nextLong();
      tgtEmb =
          cfg.shareEmbeddings()
              ? srcEmb
              : add(
                  parts,
                  new Embedding(
                      be,
                      "decoder.embedding.weight",
                      cfg.tgtVocab(),
                      cfg.embedSize(),
                      PAD,
                      tgtEmbSeed));
      decoder =
          add(
              parts,
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
                  "decoder.rnn."));
      attention =
          cfg.attention() == AttentionType.NONE
              ? null
              : add(
                  parts,
                  new LuongAttention(
                      be, cfg.attention(), cfg.memorySize(), cfg.decoderHidden(), rng));
      float bound = (float) (1 / Math.sqrt(cfg.decoderHidden()));
      genWeight =
          cfg.tieEmbeddings()
              ? tgtEmb.weight()
              : new Parameter(
                  "generator.weight",
                  be.upload(
                      Init.uniform(rng, cfg.tgtVocab() * cfg.decoderHidden(), bound),
                      cfg.tgtVocab(),
                      cfg.decoderHidden()));
      genBias =
          new Parameter(
              "generator.bias",
              be.upload(Init.uniform(rng, cfg.tgtVocab(), bound), cfg.tgtVocab()));
      copy = cfg.copyAttention() ? new CopyGenerator(be, cfg.decoderHidden(), rng) : null;
    } catch (RuntimeException e) {
      parts.forEach(Module::close);
      throw e;
    }
    List<Parameter> ps = new ArrayList<>();
    for (Module m : parts) {
      ps.addAll(m.parameters());
    }
    if (!cfg.tieEmbeddings()) {
      ps.add(genWeight);
    }
    ps.add(genBias);
    if (copy != null) {
      ps.addAll(copy.parameters());
    }
    this.parameters = Collections.unmodifiableList(ps);
  }

  /** Runs one call on the parameters, refused once the model is closed (see the class comment). */
  private <T> T guarded(String call, Supplier<T> body) {
    inUse.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(
            "Seq2SeqModel."
                + call
                + ": the model is closed"
                + (call.equals("decodeStep") || call.equals("reorder")
                    ? " (model closed while decoding: another thread closed it during a"
                        + " translation)"
                    : "")
                + "; close a model only after every call on it has returned");
      }
      return body.get();
    } finally {
      inUse.readLock().unlock();
    }
  }

  /**
   * Frees the parameters once the calls in flight on other threads have returned; later calls throw
   * {@link IllegalStateException}. Closing twice is harmless.
   */
  @Override
  public void close() {
    inUse.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        Module.super.close();
      }
    } finally {
      inUse.writeLock().unlock();
    }
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  private static <M extends Module> M add(List<Module> parts, M m) {
    parts.add(m);
    return m;
  }

  public Seq2SeqConfig config() {
    return cfg;
  }

  @Override
  public Backend backend() {
    return be;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * {@link Module#stateDict()}, refused once the model is closed. Tied embeddings are one
   * parameter, {@code decoder.embedding.weight}: there is no {@code generator.weight} key (nor in
   * {@code model.safetensors}, nor in the PyTorch twin's {@code state_dict()}).
   */
  @Override
  public Map<String, HostTensor> stateDict() {
    return guarded("stateDict", Module.super::stateDict);
  }

  /**
   * {@link Module#loadStateDict}, refused once the model is closed. It writes the parameters, so it
   * must not overlap with a translation or training step on another thread.
   */
  @Override
  public LoadResult loadStateDict(Map<String, HostTensor> state, boolean strict) {
    return guarded("loadStateDict", () -> Module.super.loadStateDict(state, strict));
  }

  /** Dropout call counter (saved in checkpoints so a resumed run draws the same masks). */
  public long dropoutCalls() {
    return dropoutCalls;
  }

  public void setDropoutCalls(long calls) {
    this.dropoutCalls = calls;
    encoder.setDropoutState(encoder.dropoutState()[0], calls);
    decoder.setDropoutState(decoder.dropoutState()[0], calls);
  }

  // ------------------------------------------------------------------ training

  /**
   * Loss of one batch: the negative log-likelihood summed over target tokens, their count, and the
   * coverage loss (weighted by λ; 0 without it), which training adds to the objective.
   */
  public record Loss(double sum, int tokens, double coverage) {
    /** A loss without a coverage term. */
    public Loss(double sum, int tokens) {
      this(sum, tokens, 0);
    }

    /** The negative log-likelihood per target token. */
    public double mean() {
      return sum / Math.max(1, tokens);
    }
  }

  /**
   * Forward and backward of one teacher-forced batch: adds d(loss)/dθ · {@code gradScale} into the
   * parameter gradients, where loss is the label-smoothed cross-entropy summed over target tokens.
   * Pass gradScale = 1 / tokens for a per-token mean. Returns the loss (before scaling).
   */
  public Loss trainStep(Seq2SeqBatch batch, float labelSmoothing, float gradScale) {
    return guarded("trainStep", () -> run(batch, labelSmoothing, gradScale, true));
  }

  /** The loss of a batch without gradients or dropout (validation). */
  public Loss evaluate(Seq2SeqBatch batch, float labelSmoothing) {
    return guarded("evaluate", () -> run(batch, labelSmoothing, 0f, false));
  }

  private Loss run(Seq2SeqBatch batch, float smoothing, float gradScale, boolean train) {
    checkIds("source", batch.src(), cfg.srcVocab());
    checkIds("target input", batch.tgtIn(), cfg.tgtVocab());
    checkIds("target output", batch.tgtOut(), cfg.tgtVocab());
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    int hd = cfg.decoderHidden();
    int v = cfg.tgtVocab();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Tensor srcIds = own(open, be.uploadInts(batch.src(), b * s));
      Tensor srcLens = own(open, be.uploadInts(batch.srcLengths(), b));
      Tensor tgtIds = own(open, be.uploadInts(batch.tgtIn(), b * t));
      Tensor targets = own(open, be.uploadInts(maskPadding(batch), b * t));
      Tensor srcX = own(open, srcEmb.forward(srcIds, b, s, cfg.embedSize()));
      Tensor srcMask = dropEmbeddings(srcX, SOURCE_EMBEDDING_SEED, train, open);
      RecurrentOutput enc = own(open, encoder.forward(srcX, batch.srcLengths(), null, null, train));
      Tensor[] init = bridge(enc, b, open);
      Tensor tgtX = own(open, tgtEmb.forward(tgtIds, b, t, cfg.embedSize()));
      Tensor tgtMask = dropEmbeddings(tgtX, TARGET_EMBEDDING_SEED, train, open);
      Tensor keys = null;
      if (attention != null) {
        keys = attention.keys(enc.output());
        if (keys != enc.output()) {
          own(open, keys);
        }
      }
      DecoderPass pass;
      if (cfg.attention() == AttentionType.BAHDANAU) {
        pass = bahdanauPass(tgtX, enc.output(), keys, srcLens, init, train, open);
      } else if (cfg.inputFeeding()) {
        pass = feedingPass(tgtX, enc.output(), keys, srcLens, init, train, open);
      } else {
        pass =
            parallelPass(tgtX, batch.tgtLengths(), enc.output(), keys, srcLens, init, train, open);
      }
      Tensor hTilde = pass.hTilde();
      Tensor mask = null;
      Tensor dropped = hTilde;
      if (train && cfg.dropout() > 0) {
        mask = own(open, be.zeros(b, t, hd));
        dropped = own(open, be.zeros(b, t, hd));
        be.dropout(hTilde, cfg.dropout(), OUTPUT_SEED + 31 * dropoutCalls, mask, dropped);
      }
      Tensor logits = own(open, be.zeros(b * t, v));
      be.gemm(Mat.of(dropped), false, Mat.of(genWeight.value()), true, Mat.of(logits), 1f, 0f);
      be.addRowVector(Mat.of(logits), genBias.value());
      Tensor losses = own(open, be.zeros(b * t));
      if (copy != null && smoothing > 0) {
        throw new IllegalArgumentException(
            "label smoothing "
                + smoothing
                + " does not combine with copy attention (the copy distribution has no uniform"
                + " share); train with label smoothing 0");
      }
      double loss = be.crossEntropyForward(logits, targets, -1, smoothing, logits, losses);
      Extra extra = copyAndCoverage(batch, pass, dropped, losses, gradScale, train, open);
      if (extra != null && extra.pointer != null) {
        loss = extra.pointer.loss();
      }
      if (train) {
        dropoutCalls++;
        backward(
            batch, gradScale, smoothing, open, srcIds, tgtIds, targets, enc, init, pass, mask,
            dropped, logits, srcMask, tgtMask, extra);
      }
      return new Loss(loss, batch.targetTokens(), extra == null ? 0 : extra.coverage);
    } finally {
      closeAll(open);
    }
  }

  private void backward(
      Seq2SeqBatch batch,
      float gradScale,
      float smoothing,
      List<AutoCloseable> open,
      Tensor srcIds,
      Tensor tgtIds,
      Tensor targets,
      RecurrentOutput enc,
      Tensor[] init,
      DecoderPass pass,
      Tensor mask,
      Tensor dropped,
      Tensor probs,
      Tensor srcMask,
      Tensor tgtMask,
      Extra extra) {
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    int hd = cfg.decoderHidden();
    CopyLoss.Result pointer = extra == null ? null : extra.pointer;
    if (pointer == null) {
      be.crossEntropyBackward(probs, targets, -1, smoothing, gradScale, probs);
    } else {
      // dLogits = rowScale · (p − onehot(y)); rowScale carries gradScale.
      be.crossEntropyBackward(probs, targets, -1, 0f, 1f, probs);
      try (Tensor rowScale = be.upload(pointer.rowScale(), b * t)) {
        be.scaleRows(probs, rowScale);
      }
    }
    be.gemm(Mat.of(probs), true, Mat.of(dropped), false, Mat.of(genWeight.grad()), 1f, 1f);
    be.sumRows(Mat.of(probs), genBias.grad(), 1f);
    Tensor dH = own(open, be.zeros(b, t, hd));
    be.gemm(Mat.of(probs), false, Mat.of(genWeight.value()), false, Mat.of(dH), 1f, 0f);
    if (pointer != null) {
      copy.gateBackward(pointer.dGate(), extra.gate, dropped, dH);
    }
    if (mask != null) {
      be.mul(dH, mask, dH);
    }
    Tensor dMemory = own(open, be.zeros(b, s, cfg.memorySize()));
    Tensor dWeights = extra == null ? null : own(open, be.upload(extra.dAttn, b, t, s));
    Tensor[] dDec = pass.backward(dH, dMemory, dWeights, open);
    if (tgtMask != null) {
      be.mul(dDec[0], tgtMask, dDec[0]);
    }
    tgtEmb.backward(tgtIds, dDec[0]);
    Tensor[] dEncState = bridgeBackward(init, dDec[1], dDec[2], b, open);
    RecurrentGradients ge = own(open, encoder.backward(enc, dMemory, dEncState[0], dEncState[1]));
    if (srcMask != null) {
      be.mul(ge.input(), srcMask, ge.input());
    }
    srcEmb.backward(srcIds, ge.input());
  }

  /** What copy attention and the coverage loss add to a batch: losses and gradients (host). */
  private record Extra(CopyLoss.Result pointer, float[] gate, double coverage, float[] dAttn) {}

  /**
   * The pointer-generator loss (replacing the cross-entropy) and the coverage loss of a batch, with
   * their gradients; null when the model has neither.
   */
  private Extra copyAndCoverage(
      Seq2SeqBatch batch,
      DecoderPass pass,
      Tensor states,
      Tensor vocabNll,
      float gradScale,
      boolean train,
      List<AutoCloseable> open) {
    if (copy == null && cfg.coverageLoss() == 0f) {
      return null;
    }
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    float[] attn = be.download(pass.weights(open));
    CopyLoss.Result pointer = null;
    float[] gate = null;
    float[] dAttn = new float[b * t * s];
    if (copy != null) {
      gate = copy.gate(states);
      pointer =
          CopyLoss.pointerGenerator(
              gate,
              be.download(vocabNll),
              attn,
              batch.src(),
              batch.srcLengths(),
              maskPadding(batch),
              b,
              t,
              s,
              cfg.tgtVocab(),
              gradScale);
      dAttn = pointer.dAttn();
    }
    double coverage = 0;
    if (cfg.coverageLoss() > 0) {
      coverage =
          CopyLoss.coverage(
              attn,
              batch.srcLengths(),
              batch.tgtLengths(),
              b,
              t,
              s,
              cfg.coverageLoss(),
              gradScale,
              train ? dAttn : null);
    }
    return new Extra(pointer, gate, coverage, dAttn);
  }

  // Dropout seeds: one stream per place, advanced by the training-step counter.
  private static final long OUTPUT_SEED = 0x6A09E667F3BCC909L;
  private static final long SOURCE_EMBEDDING_SEED = 0xBB67AE8584CAA73BL;
  private static final long TARGET_EMBEDDING_SEED = 0x3C6EF372FE94F82BL;

  /**
   * Embedding dropout in place on {@code x} (B, T, E) when training with embeddingDropout > 0;
   * returns the mask (owned by {@code open}) for the backward pass, or null.
   */
  private Tensor dropEmbeddings(Tensor x, long seed, boolean train, List<AutoCloseable> open) {
    if (!train || cfg.embeddingDropout() == 0f) {
      return null;
    }
    Tensor mask = own(open, be.zeros(x.shape().dims()));
    be.dropout(x, cfg.embeddingDropout(), seed + 31 * dropoutCalls, mask, x);
    return mask;
  }

  /** A teacher-forced decoder pass: h̃ for every step, and its backward. */
  private interface DecoderPass {
    /** h̃ (B, T, H) (the decoder output itself without attention). */
    Tensor hTilde();

    /** The attention weights (B, T, S), owned by the pass or by {@code open}. */
    Tensor weights(List<AutoCloseable> open);

    /**
     * From dH̃ (B, T, H) (used as workspace) and a direct gradient of the attention weights (B, T,
     * S) or null, adds into dMemory (B, S, M) and returns {dEmbedded (B, T, E), dh0 (Ld, B, H), dc0
     * or null}, all owned by {@code open}.
     */
    Tensor[] backward(Tensor dHTilde, Tensor dMemory, Tensor dWeights, List<AutoCloseable> open);
  }

  /** Without input feeding: the decoder RNN over all steps at once, then attention over all. */
  private DecoderPass parallelPass(
      Tensor tgtX,
      int[] tgtLengths,
      Tensor memory,
      Tensor keys,
      Tensor srcLens,
      Tensor[] init,
      boolean train,
      List<AutoCloseable> open) {
    RecurrentOutput dec = own(open, decoder.forward(tgtX, tgtLengths, init[0], init[1], train));
    LuongAttention.Step att =
        attention == null
            ? null
            : own(open, attention.forward(memory, keys, srcLens, dec.output()));
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
          attention.backward(att, dH, dDec, dMemory, dWeights);
        }
        RecurrentGradients gd = own(o, decoder.backward(dec, dDec, null, null));
        return new Tensor[] {gd.input(), gd.h0(), gd.c0()};
      }
    };
  }

  /**
   * With input feeding: step t reads [embedding_t; h̃_{t-1}] (h̃_{-1} = 0), so the decoder runs one
   * step at a time; backward goes back through the steps, carrying dh, dc and dh̃.
   */
  private DecoderPass feedingPass(
      Tensor tgtX,
      Tensor memory,
      Tensor keys,
      Tensor srcLens,
      Tensor[] init,
      boolean train,
      List<AutoCloseable> open) {
    int b = tgtX.shape().dim(0);
    int steps = tgtX.shape().dim(1);
    int e = cfg.embedSize();
    int hd = cfg.decoderHidden();
    int in = e + hd;
    Tensor hTilde = own(open, be.zeros(b, steps, hd));
    List<RecurrentOutput> outs = new ArrayList<>();
    List<LuongAttention.Step> atts = new ArrayList<>();
    Tensor h = init[0];
    Tensor c = init[1];
    for (int t = 0; t < steps; t++) {
      Tensor x = own(open, be.zeros(b, 1, in));
      be.copy(Mat.step(tgtX, t), Mat.of(x).cols(0, e));
      if (t > 0) {
        be.copy(Mat.step(hTilde, t - 1), Mat.of(x).cols(e, hd));
      }
      RecurrentOutput out = own(open, decoder.forward(x, null, h, c, train));
      LuongAttention.Step att = own(open, attention.forward(memory, keys, srcLens, out.output()));
      be.copy(Mat.of(att.out()), Mat.step(hTilde, t));
      outs.add(out);
      atts.add(att);
      h = out.hN();
      c = out.cN();
    }
    return new DecoderPass() {
      @Override
      public Tensor hTilde() {
        return hTilde;
      }

      @Override
      public Tensor weights(List<AutoCloseable> o) {
        return stepWeights(atts, b, steps, memory.shape().dim(1), o);
      }

      @Override
      public Tensor[] backward(Tensor dH, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
        Tensor dW = dWeights == null ? null : own(o, be.zeros(b, 1, memory.shape().dim(1)));
        Tensor dEmb = own(o, be.zeros(b, steps, e));
        Tensor dStep = own(o, be.zeros(b, 1, hd)); // total gradient of h̃_t
        Tensor dFed = own(o, be.zeros(b, 1, hd)); // gradient of h̃_t through step t + 1's input
        Tensor dQuery = own(o, be.zeros(b, 1, hd));
        Tensor dh = null;
        Tensor dc = null;
        for (int t = steps - 1; t >= 0; t--) {
          be.copy(Mat.step(dH, t), Mat.of(dStep));
          be.axpby(1f, dFed, 1f, dStep);
          be.fill(dQuery, 0f);
          if (dW != null) {
            be.copy(Mat.step(dWeights, t), Mat.of(dW));
          }
          attention.backward(atts.get(t), dStep, dQuery, dMemory, dW);
          RecurrentGradients g = own(o, decoder.backward(outs.get(t), dQuery, dh, dc));
          be.copy(Mat.of(g.input()).cols(0, e), Mat.step(dEmb, t));
          be.copy(Mat.of(g.input()).cols(e, hd), Mat.of(dFed));
          dh = g.h0();
          dc = g.c0();
        }
        return new Tensor[] {dEmb, dh, dc};
      }
    };
  }

  /**
   * Bahdanau attention: step t attends with the previous top-layer state h_{t-1} (the bridged state
   * for t = 0), the decoder reads [embedding_t; c_t], and h̃_t = tanh(W_c [c_t; h_t]). Backward
   * goes back through the steps; the query's gradient joins the state gradient of step t - 1.
   */
  private DecoderPass bahdanauPass(
      Tensor tgtX,
      Tensor memory,
      Tensor keys,
      Tensor srcLens,
      Tensor[] init,
      boolean train,
      List<AutoCloseable> open) {
    int b = tgtX.shape().dim(0);
    int steps = tgtX.shape().dim(1);
    int e = cfg.embedSize();
    int m = cfg.memorySize();
    int hd = cfg.decoderHidden();
    int top = cfg.decoderLayers() - 1;
    Tensor hTilde = own(open, be.zeros(b, steps, hd));
    List<RecurrentOutput> outs = new ArrayList<>();
    List<LuongAttention.Step> atts = new ArrayList<>();
    Tensor h = init[0];
    Tensor c = init[1];
    for (int t = 0; t < steps; t++) {
      Tensor query = own(open, be.zeros(b, 1, hd));
      be.copy(Mat.of(h).rows(top * b, b), Mat.of(query));
      LuongAttention.Step att = own(open, attention.attend(memory, keys, srcLens, query));
      Tensor x = own(open, be.zeros(b, 1, e + m));
      be.copy(Mat.step(tgtX, t), Mat.of(x).cols(0, e));
      be.copy(att.context(), Mat.of(x).cols(e, m));
      RecurrentOutput out = own(open, decoder.forward(x, null, h, c, train));
      attention.readout(att, out.output());
      be.copy(Mat.of(att.out()), Mat.step(hTilde, t));
      outs.add(out);
      atts.add(att);
      h = out.hN();
      c = out.cN();
    }
    return new DecoderPass() {
      @Override
      public Tensor hTilde() {
        return hTilde;
      }

      @Override
      public Tensor weights(List<AutoCloseable> o) {
        return stepWeights(atts, b, steps, memory.shape().dim(1), o);
      }

      @Override
      public Tensor[] backward(Tensor dH, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
        Tensor dW = dWeights == null ? null : own(o, be.zeros(b, 1, memory.shape().dim(1)));
        Tensor dEmb = own(o, be.zeros(b, steps, e));
        Tensor dStep = own(o, be.zeros(b, 1, hd));
        Tensor dOut = own(o, be.zeros(b, 1, hd));
        Tensor dQuery = own(o, be.zeros(b, 1, hd));
        Tensor dh = null;
        Tensor dc = null;
        for (int t = steps - 1; t >= 0; t--) {
          be.copy(Mat.step(dH, t), Mat.of(dStep));
          LuongAttention.Step att = atts.get(t);
          Tensor dConcat = own(o, attention.readoutBackward(att, dStep));
          be.copy(Mat.of(dConcat).cols(m, hd), Mat.of(dOut));
          RecurrentGradients g = own(o, decoder.backward(outs.get(t), dOut, dh, dc));
          be.copy(Mat.of(g.input()).cols(0, e), Mat.step(dEmb, t));
          // The context fed the readout and the RNN input: add the two gradients.
          Tensor dContext = own(o, be.zeros(b, 1, m));
          be.copy(Mat.of(g.input()).cols(e, m), Mat.of(dContext));
          Tensor dRead = own(o, be.zeros(b, 1, m));
          be.copy(Mat.of(dConcat).cols(0, m), Mat.of(dRead));
          be.axpby(1f, dRead, 1f, dContext);
          be.copy(Mat.of(dContext), Mat.of(dConcat).cols(0, m));
          be.fill(dQuery, 0f);
          if (dW != null) {
            be.copy(Mat.step(dWeights, t), Mat.of(dW));
          }
          attention.attendBackward(att, dConcat, dQuery, dMemory, dW);
          // The query was the top layer of h_{t-1}.
          Tensor dTop = own(o, be.zeros(b, 1, hd));
          be.copy(Mat.of(g.h0()).rows(top * b, b), Mat.of(dTop));
          be.axpby(1f, dQuery, 1f, dTop);
          be.copy(Mat.of(dTop), Mat.of(g.h0()).rows(top * b, b));
          dh = g.h0();
          dc = g.c0();
        }
        return new Tensor[] {dEmb, dh, dc};
      }
    };
  }

  /** The per-step attention weights (B, 1, S) of a step-by-step pass as one (B, T, S) tensor. */
  private Tensor stepWeights(
      List<LuongAttention.Step> atts, int b, int steps, int src, List<AutoCloseable> open) {
    Tensor w = own(open, be.zeros(b, steps, src));
    for (int t = 0; t < steps; t++) {
      be.copy(Mat.of(atts.get(t).weights()), Mat.step(w, t));
    }
    return w;
  }

  /** Targets with padding replaced by -1 (the ignore index). */
  private static int[] maskPadding(Seq2SeqBatch batch) {
    int[] out = batch.tgtOut().clone();
    int t = batch.tgtLen();
    for (int b = 0; b < batch.size(); b++) {
      for (int j = batch.tgtLengths()[b]; j < t; j++) {
        out[b * t + j] = -1;
      }
    }
    return out;
  }

  private static void checkIds(String what, int[] ids, int vocab) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            what
                + " id "
                + ids[i]
                + " at position "
                + i
                + " is outside the vocabulary [0, "
                + vocab
                + ")");
      }
    }
  }

  // ------------------------------------------------------------------ bridge

  /** Encoder layer feeding decoder layer l, or -1 for none. */
  private int sourceLayer(int l) {
    int e = l + cfg.encoderLayers() - cfg.decoderLayers();
    return e >= 0 ? e : -1;
  }

  /**
   * Decoder initial states from the encoder's final states: {h0 (Ld, B, Hd), c0 or null, bridge
   * input of h, of c or null} (the inputs are kept for the backward pass).
   */
  private Tensor[] bridge(RecurrentOutput enc, int b, List<AutoCloseable> open) {
    int ld = cfg.decoderLayers();
    Tensor inH = own(open, bridgeInput(enc.hN(), b));
    Tensor h0 = own(open, be.zeros(ld, b, cfg.decoderHidden()));
    bridgeH.forward(Mat.of(inH), Mat.of(h0));
    be.tanh(h0, h0);
    Tensor c0 = null;
    Tensor inC = null;
    if (bridgeC != null) {
      inC = own(open, bridgeInput(enc.cN(), b));
      c0 = own(open, be.zeros(ld, b, cfg.decoderHidden()));
      bridgeC.forward(Mat.of(inC), Mat.of(c0));
    }
    return new Tensor[] {h0, c0, inH, inC};
  }

  /** (Ld·B, D·He): row block l holds encoder layer sourceLayer(l), directions side by side. */
  private Tensor bridgeInput(Tensor states, int b) {
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor in = be.zeros(cfg.decoderLayers() * b, dirs * he);
    for (int l = 0; l < cfg.decoderLayers(); l++) {
      int e = sourceLayer(l);
      for (int d = 0; e >= 0 && d < dirs; d++) {
        be.copy(
            Mat.of(states).rows((e * dirs + d) * b, b), Mat.of(in).rows(l * b, b).cols(d * he, he));
      }
    }
    return in;
  }

  /** Gradients of the encoder's final states {dhN, dcN or null} from the decoder's dh0, dc0. */
  private Tensor[] bridgeBackward(
      Tensor[] init, Tensor dh0, Tensor dc0, int b, List<AutoCloseable> open) {
    int ld = cfg.decoderLayers();
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor dPre = own(open, be.zeros(ld, b, cfg.decoderHidden()));
    be.tanhBackward(init[0], dh0, dPre, 0f);
    Tensor dIn = own(open, be.zeros(ld * b, dirs * he));
    bridgeH.backward(Mat.of(init[2]), Mat.of(dPre), Mat.of(dIn));
    Tensor dhN = own(open, scatterBridge(dIn, b));
    Tensor dcN = null;
    if (bridgeC != null) {
      bridgeC.backward(Mat.of(init[3]), Mat.of(dc0), Mat.of(dIn));
      dcN = own(open, scatterBridge(dIn, b));
    }
    return new Tensor[] {dhN, dcN};
  }

  private Tensor scatterBridge(Tensor dIn, int b) {
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor d = be.zeros(cfg.encoderLayers() * dirs, b, he);
    for (int l = 0; l < cfg.decoderLayers(); l++) {
      int e = sourceLayer(l);
      for (int k = 0; e >= 0 && k < dirs; k++) {
        be.copy(Mat.of(dIn).rows(l * b, b).cols(k * he, he), Mat.of(d).rows((e * dirs + k) * b, b));
      }
    }
    return d;
  }

  // ------------------------------------------------------------------ inference

  /**
   * The encoded source for step-by-step decoding. Owns its tensors; used by one thread at a time
   * (each decoding call encodes its own batch).
   */
  public final class Encoded implements AutoCloseable {
    final int batch;
    final int srcLen;
    final Tensor memory; // (B, S, M)
    final Tensor keys; // (B, S, H)
    final Tensor srcLengths; // (B)
    final int[] srcLengthsHost;
    final int[] srcIds; // (B, S) on the host: what copy attention copies
    private int[] gatheredRows; // source row of each hypothesis in `gathered`
    private Tensor[] gathered; // {memory, keys, lengths} per hypothesis, reused while rows match

    Encoded(
        int batch,
        int srcLen,
        Tensor memory,
        Tensor keys,
        Tensor srcLengths,
        int[] lens,
        int[] srcIds) {
      this.batch = batch;
      this.srcLen = srcLen;
      this.memory = memory;
      this.keys = keys;
      this.srcLengths = srcLengths;
      this.srcLengthsHost = lens;
      this.srcIds = srcIds;
    }

    /** Memory, keys and lengths of source row srcRow[i] for hypothesis i (cached between steps). */
    Tensor[] rowsFor(int[] srcRow) {
      if (gathered == null || !java.util.Arrays.equals(gatheredRows, srcRow)) {
        closeGathered();
        gathered = gatherSources(this, srcRow);
        gatheredRows = srcRow.clone();
      }
      return gathered;
    }

    private void closeGathered() {
      if (gathered != null) {
        for (int i = 0; i < gathered.length; i++) {
          if (i != 1 || gathered[1] != gathered[0]) { // keys are the memory itself without a W_a
            gathered[i].close();
          }
        }
        gathered = null;
      }
    }

    @Override
    public void close() {
      closeGathered();
      if (keys != memory && keys != null) {
        keys.close();
      }
      memory.close();
      srcLengths.close();
    }
  }

  /** Decoder state between steps: h (Ld, B, H) and c (LSTM). Owns its tensors. */
  /**
   * Decoder state between steps: h (Ld, N, H), c (LSTM, else null) and, with input feeding, the
   * previous attentional state h̃ (1, N, H) (else null). Owns its tensors.
   */
  public record State(Tensor h, Tensor c, Tensor feed) implements AutoCloseable {
    @Override
    public void close() {
      h.close();
      if (c != null) {
        c.close();
      }
      if (feed != null) {
        feed.close();
      }
    }
  }

  /** Encodes a batch of sources (row-major (B, S), PAD beyond each length). */
  public Encoded encode(int[] src, int[] srcLengths, int batch, int srcLen, State[] initOut) {
    return guarded("encode", () -> encodeOpen(src, srcLengths, batch, srcLen, initOut));
  }

  private Encoded encodeOpen(int[] src, int[] srcLengths, int batch, int srcLen, State[] initOut) {
    checkIds("source", src, cfg.srcVocab());
    List<AutoCloseable> open = new ArrayList<>();
    try (Tensor ids = be.uploadInts(src, batch * srcLen);
        Tensor x = srcEmb.forward(ids, batch, srcLen, cfg.embedSize());
        RecurrentOutput enc = encoder.forward(x, srcLengths, null, null, false)) {
      Tensor[] init = bridge(enc, batch, open);
      Tensor h = be.zeros(init[0].shape().dims());
      be.copy(init[0], h);
      Tensor c = null;
      if (init[1] != null) {
        c = be.zeros(init[1].shape().dims());
        be.copy(init[1], c);
      }
      Tensor feed = cfg.inputFeeding() ? be.zeros(1, batch, cfg.decoderHidden()) : null;
      initOut[0] = new State(h, c, feed);
      Tensor memory = be.zeros(enc.output().shape().dims());
      be.copy(enc.output(), memory);
      Tensor keys = attention == null ? null : attention.keys(memory);
      return new Encoded(
          batch,
          srcLen,
          memory,
          keys,
          be.uploadInts(srcLengths, batch),
          srcLengths.clone(),
          src.clone());
    } finally {
      closeAll(open);
    }
  }

  /**
   * One decoder step for {@code prev.length} hypotheses; hypothesis i reads source row {@code
   * srcRow[i]} of {@code enc}. Writes log-probabilities (N, V) and, if {@code attnOut} is not null,
   * attention weights (N, S) to host arrays; returns the next state.
   */
  public State decodeStep(
      Encoded enc, int[] srcRow, int[] prev, State state, float[] logProbs, float[] attnOut) {
    return guarded(
        "decodeStep",
        () -> {
          try (Tensor logits = be.zeros(prev.length, cfg.tgtVocab())) {
            return decodeOpen(enc, srcRow, prev, state, logits, logProbs, attnOut);
          }
        });
  }

  /**
   * {@link #decodeStep(Encoded, int[], int[], State, float[], float[])} that leaves the
   * log-probabilities (N, V) on the backend, in {@code logProbs} (allocated and closed by the
   * caller), so that only what the caller asks for crosses to the host (e.g. {@link Backend#topK}).
   */
  public State decodeStep(
      Encoded enc, int[] srcRow, int[] prev, State state, Tensor logProbs, float[] attnOut) {
    return guarded(
        "decodeStep", () -> decodeOpen(enc, srcRow, prev, state, logProbs, null, attnOut));
  }

  private State decodeOpen(
      Encoded enc,
      int[] srcRow,
      int[] prev,
      State state,
      Tensor logits,
      float[] logProbs,
      float[] attnOut) {
    int n = prev.length;
    int v = cfg.tgtVocab();
    checkIds("previous token", prev, v);
    if (logits.numel() != (long) n * v) {
      throw new IllegalArgumentException(
          "decodeStep: log-probability tensor "
              + logits.shape()
              + ", expected ("
              + n
              + ", "
              + v
              + ")");
    }
    if (cfg.attention() == AttentionType.BAHDANAU) {
      return bahdanauStep(enc, srcRow, prev, state, logits, logProbs, attnOut);
    }
    try (Tensor ids = be.uploadInts(prev, n);
        Tensor emb = tgtEmb.forward(ids, n, 1, cfg.embedSize());
        Tensor fed = state.feed() == null ? null : decoderInput(emb, state.feed());
        RecurrentOutput dec =
            decoder.forward(fed == null ? emb : fed, null, state.h(), state.c(), false)) {
      Tensor hTilde = dec.output();
      LuongAttention.Step att = null;
      Tensor[] rows = null;
      Tensor feed = null;
      if (attention != null) {
        rows = enc.rowsFor(srcRow);
        att = attention.forward(rows[0], rows[1], rows[2], dec.output());
        hTilde = att.out();
      }
      try {
        emit(hTilde, att, logits, logProbs, attnOut, enc, srcRow);
        if (cfg.inputFeeding()) {
          feed = be.zeros(1, n, cfg.decoderHidden());
          be.copy(hTilde, feed);
        }
      } finally {
        if (att != null) {
          att.close();
        }
      }
      Tensor h = be.zeros(dec.hN().shape().dims());
      be.copy(dec.hN(), h);
      Tensor c = null;
      if (dec.cN() != null) {
        c = be.zeros(dec.cN().shape().dims());
        be.copy(dec.cN(), c);
      }
      return new State(h, c, feed);
    }
  }

  /**
   * Log-probabilities of h̃ (N, H) into logProbs (N, V) and the attention weights into attnOut;
   * with copy attention, the mixture of {@link CopyGenerator}.
   */
  private void emit(
      Tensor hTilde,
      LuongAttention.Step att,
      Tensor logits,
      float[] logProbs,
      float[] attnOut,
      Encoded enc,
      int[] srcRow) {
    be.gemm(Mat.of(hTilde), false, Mat.of(genWeight.value()), true, Mat.of(logits), 1f, 0f);
    be.addRowVector(Mat.of(logits), genBias.value());
    if (copy == null) {
      be.logSoftmax(logits, logits);
    } else {
      mixCopy(hTilde, att, logits, enc, srcRow);
    }
    if (logProbs != null) {
      float[] lp = be.download(logits);
      System.arraycopy(lp, 0, logProbs, 0, lp.length);
    }
    if (attnOut != null && att != null) {
      float[] w = be.download(att.weights());
      System.arraycopy(w, 0, attnOut, 0, w.length);
    }
  }

  /**
   * logits (N, V) → log of the pointer-generator mixture, computed on the host (the mixture needs
   * the whole row; a device kernel for it is future work).
   */
  private void mixCopy(
      Tensor hTilde, LuongAttention.Step att, Tensor logits, Encoded enc, int[] srcRow) {
    int n = srcRow.length;
    int s = enc.srcLen;
    be.softmax(logits, logits);
    float[] probs = be.download(logits);
    float[] gate = copy.gate(hTilde);
    float[] attn = be.download(att.weights());
    int[] ids = new int[n * s];
    int[] lens = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(enc.srcIds, srcRow[i] * s, ids, i * s, s);
      lens[i] = enc.srcLengthsHost[srcRow[i]];
    }
    float[] out = new float[probs.length];
    CopyGenerator.mix(probs, gate, attn, ids, lens, s, out);
    try (Tensor u = be.upload(out, n, cfg.tgtVocab())) {
      be.copy(u, logits);
    }
  }

  /** {@link #decodeStep} with Bahdanau attention (see {@link #bahdanauPass}). */
  private State bahdanauStep(
      Encoded enc,
      int[] srcRow,
      int[] prev,
      State state,
      Tensor logits,
      float[] logProbs,
      float[] attnOut) {
    int n = prev.length;
    int e = cfg.embedSize();
    int m = cfg.memorySize();
    int hd = cfg.decoderHidden();
    int top = cfg.decoderLayers() - 1;
    Tensor[] rows = enc.rowsFor(srcRow);
    try (Tensor ids = be.uploadInts(prev, n);
        Tensor emb = tgtEmb.forward(ids, n, 1, e);
        Tensor query = be.zeros(n, 1, hd);
        Tensor x = be.zeros(n, 1, e + m)) {
      be.copy(Mat.of(state.h()).rows(top * n, n), Mat.of(query));
      try (LuongAttention.Step att = attention.attend(rows[0], rows[1], rows[2], query)) {
        be.copy(Mat.of(emb), Mat.of(x).cols(0, e));
        be.copy(att.context(), Mat.of(x).cols(e, m));
        try (RecurrentOutput dec = decoder.forward(x, null, state.h(), state.c(), false)) {
          attention.readout(att, dec.output());
          emit(att.out(), att, logits, logProbs, attnOut, enc, srcRow);
          Tensor h = be.zeros(dec.hN().shape().dims());
          be.copy(dec.hN(), h);
          Tensor c = null;
          if (dec.cN() != null) {
            c = be.zeros(dec.cN().shape().dims());
            be.copy(dec.cN(), c);
          }
          return new State(h, c, null);
        }
      }
    }
  }

  /**
   * The decoder's input for one step: the embedding itself, or a new [embedding; h̃_{t-1}] when
   * feeding.
   */
  private Tensor decoderInput(Tensor emb, Tensor feed) {
    if (feed == null) {
      return emb;
    }
    int n = emb.shape().dim(0);
    Tensor x = be.zeros(n, 1, cfg.decoderInputSize());
    be.copy(Mat.of(emb), Mat.of(x).cols(0, cfg.embedSize()));
    be.copy(Mat.of(feed), Mat.of(x).cols(cfg.embedSize(), cfg.decoderHidden()));
    return x;
  }

  /** Memory, keys and lengths of the source rows srcRow[i], for N hypotheses. */
  private Tensor[] gatherSources(Encoded enc, int[] srcRow) {
    int n = srcRow.length;
    int s = enc.srcLen;
    int[] idx = new int[n * s];
    int[] lens = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < s; j++) {
        idx[i * s + j] = srcRow[i] * s + j;
      }
      lens[i] = enc.srcLengthsHost[srcRow[i]];
    }
    try (Tensor ids = be.uploadInts(idx, n * s)) {
      Tensor memory = be.zeros(n, s, cfg.memorySize());
      be.embeddingGather(enc.memory, ids, memory);
      Tensor keys = memory;
      if (enc.keys != enc.memory) {
        keys = be.zeros(n, s, cfg.decoderHidden());
        be.embeddingGather(enc.keys, ids, keys);
      }
      return new Tensor[] {memory, keys, be.uploadInts(lens, n)};
    }
  }

  /** Reorders a state's hypotheses: row i of the result is row from[i] of each layer. */
  public State reorder(State s, int[] from) {
    return guarded(
        "reorder",
        () ->
            new State(
                reorderRows(s.h(), from),
                s.c() == null ? null : reorderRows(s.c(), from),
                s.feed() == null ? null : reorderRows(s.feed(), from)));
  }

  private Tensor reorderRows(Tensor t, int[] from) {
    int layers = t.shape().dim(0);
    int n = t.shape().dim(1);
    int hid = t.shape().dim(2);
    int m = from.length;
    int[] idx = new int[layers * m];
    for (int l = 0; l < layers; l++) {
      for (int i = 0; i < m; i++) {
        idx[l * m + i] = l * n + from[i];
      }
    }
    try (Tensor ids = be.uploadInts(idx, layers * m)) {
      Tensor out = be.zeros(layers, m, hid);
      be.embeddingGather(t, ids, out);
      return out;
    }
  }

  // ------------------------------------------------------------------ helpers

  private static <T extends AutoCloseable> T own(List<AutoCloseable> open, T t) {
    open.add(t);
    return t;
  }

  private static void closeAll(List<AutoCloseable> open) {
    RuntimeException first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
