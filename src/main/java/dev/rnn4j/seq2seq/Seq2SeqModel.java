package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.closeAll;
import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.nn.Embedding;
import dev.rnn4j.nn.LoadResult;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>The parts, each a {@link Module} with its own parameters: {@code Encoder} (source embedding
 * and RNN), {@code Bridge}, the target embedding (the source's when shared), {@code Decoder} (the
 * decoder RNN and attention; its teacher-forced passes are {@code DecoderPass}es) and {@code
 * Generator} (output layer, loss, copy attention, coverage). This class wires them for training
 * ({@link #trainStep}) and decoding ({@link #encode}, {@link #decodeStep}, {@link #reorder}), and
 * owns the dropout streams ({@code DropoutStreams}).
 *
 * <p>Parameter names follow PyTorch conventions ({@code encoder.rnn.weight_ih_l0}, {@code
 * generator.weight}, ...), in {@link #parameters()} order: source embedding, encoder, bridge,
 * target embedding (unless shared), decoder RNN, attention, generator, copy switch. Ids 0..3 are
 * PAD, BOS, EOS, UNK.
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
  private final Encoder encoder;
  private final Bridge bridge;
  private final Embedding tgtEmb; // the encoder's when shared
  private final Decoder decoder;
  private final Generator generator;
  private final List<Parameter> parameters;
  private final DropoutStreams dropout;

  /** Calls that read the parameters hold the read lock; {@link #close()} takes the write lock. */
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

  private volatile boolean closed;

  /**
   * A model with weights drawn from {@code seed}. One generator hands out, in parameter order, the
   * seeds of the source embedding, the encoder and the bridge, the target embedding's (drawn even
   * when it is shared), the decoder RNN's, then the attention's, the generator's and the copy
   * switch's weights themselves: the same seed gives the same weights, bit for bit.
   */
  public Seq2SeqModel(Backend be, Seq2SeqConfig cfg, long seed) {
    this.be = be;
    this.cfg = cfg;
    SplittableRandom rng = new SplittableRandom(seed);
    List<Module> parts = new ArrayList<>();
    try {
      encoder = add(parts, new Encoder(be, cfg, rng));
      bridge = add(parts, new Bridge(be, cfg, rng));
      long tgtEmbSeed = rng.nextLong();
      tgtEmb =
          cfg.shareEmbeddings()
              ? encoder.embedding()
              : add(
                  parts,
                  new Embedding(
                      be,
                      "decoder.embedding.weight",
                      cfg.tgtVocab(),
                      cfg.embedSize(),
                      PAD,
                      tgtEmbSeed));
      decoder = add(parts, new Decoder(be, cfg, rng));
      generator =
          add(parts, new Generator(be, cfg, cfg.tieEmbeddings() ? tgtEmb.weight() : null, rng));
    } catch (RuntimeException e) {
      parts.forEach(Module::close);
      throw e;
    }
    List<Parameter> ps = new ArrayList<>();
    for (Module m : parts) {
      ps.addAll(m.parameters());
    }
    this.parameters = Collections.unmodifiableList(ps);
    this.dropout = new DropoutStreams(be, cfg);
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
    return dropout.calls();
  }

  public void setDropoutCalls(long calls) {
    dropout.setCalls(calls);
    encoder.setDropoutCalls(calls);
    decoder.setDropoutCalls(calls);
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

  /** What the forward pass of a batch keeps for its backward pass. */
  private record Saved(
      Encoder.Output enc,
      Bridge.States init,
      Tensor tgtIds,
      Tensor tgtMask,
      DecoderPass pass,
      Tensor[] outDropout,
      Tensor states,
      Tensor targets,
      Generator.Forward out) {}

  private Loss run(Seq2SeqBatch batch, float smoothing, float gradScale, boolean train) {
    int v = cfg.tgtVocab();
    int[] hostTargets = maskPadding(batch);
    int[] srcIds = batch.src();
    int[] tgtInIds = batch.tgtIn();
    int[] vocabTargets = hostTargets;
    if (cfg.copyAttention()) {
      // Source-only words (ids ≥ V) are embedded as <unk> and can only be copied.
      ExtendedIds.checkBatch(batch, v);
      srcIds = CopyVocabulary.embeddable(srcIds, v);
      tgtInIds = CopyVocabulary.embeddable(tgtInIds, v);
      vocabTargets = CopyVocabulary.embeddable(hostTargets, v);
    } else {
      checkIds("source", batch.src(), cfg.srcVocab());
      checkIds("target input", batch.tgtIn(), v);
      checkIds("target output", batch.tgtOut(), v);
    }
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Encoder.Output enc = encoder.forward(srcIds, batch.srcLengths(), b, s, dropout, train, open);
      Tensor memory = enc.rnn().output();
      Tensor srcLens = own(open, be.uploadInts(batch.srcLengths(), b));
      Bridge.States init = bridge.forward(enc.rnn(), b, open);
      Tensor tgtIds = own(open, be.uploadInts(tgtInIds, b * t));
      Tensor tgtX = own(open, tgtEmb.forward(tgtIds, b, t, cfg.embedSize()));
      Tensor tgtMask = dropout.embeddings(tgtX, DropoutStreams.TARGET_EMBEDDING_SEED, train, open);
      Tensor keys = decoder.keys(memory);
      if (keys != null && keys != memory) {
        own(open, keys);
      }
      Decoder.Memory src = new Decoder.Memory(memory, keys, srcLens);
      DecoderPass pass = decoder.forward(tgtX, batch.tgtLengths(), src, init, train, open);
      Tensor[] outDropout = dropout.output(pass.hTilde(), train, open);
      Tensor states = outDropout == null ? pass.hTilde() : outDropout[1];
      Tensor targets = own(open, be.uploadInts(vocabTargets, b * t));
      Generator.Forward out =
          generator.forward(
              states,
              targets,
              hostTargets,
              batch,
              smoothing,
              gradScale,
              train,
              () -> pass.weights(open),
              open);
      if (train) {
        dropout.advance();
        Saved f = new Saved(enc, init, tgtIds, tgtMask, pass, outDropout, states, targets, out);
        backward(batch, gradScale, smoothing, f, open);
      }
      return new Loss(out.loss(), batch.targetTokens(), out.coverage());
    } finally {
      closeAll(open);
    }
  }

  private void backward(
      Seq2SeqBatch batch, float gradScale, float smoothing, Saved f, List<AutoCloseable> open) {
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    Tensor dH = generator.backward(f.out(), f.states(), f.targets(), smoothing, gradScale, open);
    if (f.outDropout() != null) {
      be.mul(dH, f.outDropout()[0], dH);
    }
    Tensor dMemory = own(open, be.zeros(b, s, cfg.memorySize()));
    float[] dAttention = f.out().dAttention();
    Tensor dWeights = dAttention == null ? null : own(open, be.upload(dAttention, b, t, s));
    Tensor[] dDec = f.pass().backward(dH, dMemory, dWeights, open);
    if (f.tgtMask() != null) {
      be.mul(dDec[0], f.tgtMask(), dDec[0]);
    }
    tgtEmb.backward(f.tgtIds(), dDec[0]);
    Tensor[] dEncState = bridge.backward(f.init(), dDec[1], dDec[2], b, open);
    encoder.backward(f.enc(), dMemory, dEncState[0], dEncState[1], open);
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

  // ------------------------------------------------------------------ inference

  /**
   * The encoded source for step-by-step decoding. Owns its tensors; used by one thread at a time
   * (each decoding call encodes its own batch).
   */
  public final class Encoded implements AutoCloseable {
    final int batch;
    final int srcLen;
    final Decoder.Memory source; // memory (B, S, M), keys (B, S, H), lengths (B)
    final int[] srcLengthsHost;
    final int[] srcIds; // (B, S) on the host: what copy attention copies (extended ids too)
    private final int width;
    private int[] gatheredRows; // source row of each hypothesis in `gathered`
    private Decoder.Memory gathered; // the source rows per hypothesis, reused while rows match

    Encoded(int batch, int srcLen, Decoder.Memory source, int[] lens, int[] srcIds, int width) {
      this.batch = batch;
      this.srcLen = srcLen;
      this.source = source;
      this.srcLengthsHost = lens;
      this.srcIds = srcIds;
      this.width = width;
    }

    /**
     * The width W of each step's log-probabilities: the target vocabulary V, and with copy
     * attention also the extended ids (source-only words) of these sources, V + the most any row
     * uses. Token ids at or above V name those source words ({@link
     * dev.rnn4j.data.CopyVocabulary}).
     */
    public int outputWidth() {
      return width;
    }

    /** Memory, keys and lengths of source row srcRow[i] for hypothesis i (cached between steps). */
    Decoder.Memory rowsFor(int[] srcRow) {
      if (gathered == null || !Arrays.equals(gatheredRows, srcRow)) {
        closeGathered();
        gathered = source.rows(be, srcRow, srcLengthsHost);
        gatheredRows = srcRow.clone();
      }
      return gathered;
    }

    /** The source ids and lengths of source row srcRow[i] for hypothesis i, for copy attention. */
    Generator.CopySources copySources(int[] srcRow) {
      int n = srcRow.length;
      int[] ids = new int[n * srcLen];
      int[] lens = new int[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(srcIds, srcRow[i] * srcLen, ids, i * srcLen, srcLen);
        lens[i] = srcLengthsHost[srcRow[i]];
      }
      return new Generator.CopySources(ids, lens, srcLen);
    }

    private void closeGathered() {
      if (gathered != null) {
        gathered.close();
        gathered = null;
      }
    }

    @Override
    public void close() {
      closeGathered();
      source.close();
    }
  }

  /**
   * Decoder state between steps: h (Ld, N, H), c (LSTM, else null), with input feeding the previous
   * attentional state h̃ (1, N, H) (else null), and with coverage attention the attention each
   * source position has received so far (1, N, S) (else null). Owns its tensors.
   */
  public record State(Tensor h, Tensor c, Tensor feed, Tensor coverage) implements AutoCloseable {
    /** A state without coverage. */
    public State(Tensor h, Tensor c, Tensor feed) {
      this(h, c, feed, null);
    }

    @Override
    public void close() {
      h.close();
      for (Tensor t : new Tensor[] {c, feed, coverage}) {
        if (t != null) {
          t.close();
        }
      }
    }
  }

  /**
   * Encodes a batch of sources (row-major (B, S), PAD beyond each length). With copy attention a
   * source may also hold extended ids V, V + 1, … for its words outside the vocabulary ({@link
   * dev.rnn4j.data.CopyVocabulary#sourceIds()}): they are embedded as {@code <unk>}, and decoding
   * can copy them ({@link Encoded#outputWidth()}).
   */
  public Encoded encode(int[] src, int[] srcLengths, int batch, int srcLen, State[] initOut) {
    return guarded("encode", () -> encodeOpen(src, srcLengths, batch, srcLen, initOut));
  }

  private Encoded encodeOpen(int[] src, int[] srcLengths, int batch, int srcLen, State[] initOut) {
    int width = cfg.tgtVocab();
    int[] embedded = src;
    if (cfg.copyAttention()) {
      width = ExtendedIds.checkSources(src, batch, srcLen, cfg.tgtVocab());
      embedded = CopyVocabulary.embeddable(src, cfg.tgtVocab());
    } else {
      checkIds("source", src, cfg.srcVocab());
    }
    List<AutoCloseable> open = new ArrayList<>();
    try {
      RecurrentOutput enc =
          encoder.forward(embedded, srcLengths, batch, srcLen, dropout, false, open).rnn();
      Bridge.States init = bridge.forward(enc, batch, open);
      Tensor feed = cfg.inputFeeding() ? be.zeros(1, batch, cfg.decoderHidden()) : null;
      Tensor coverage = cfg.coverageAttention() ? be.zeros(1, batch, srcLen) : null;
      initOut[0] = new State(copyOf(init.h0()), copyOf(init.c0()), feed, coverage);
      Tensor memory = copyOf(enc.output());
      Decoder.Memory source =
          new Decoder.Memory(memory, decoder.keys(memory), be.uploadInts(srcLengths, batch));
      return new Encoded(batch, srcLen, source, srcLengths.clone(), src.clone(), width);
    } finally {
      closeAll(open);
    }
  }

  /**
   * One decoder step for {@code prev.length} hypotheses; hypothesis i reads source row {@code
   * srcRow[i]} of {@code enc}. Writes log-probabilities (N, W) ({@link Encoded#outputWidth()}: V
   * unless copy attention extends it) and, if {@code attnOut} is not null, attention weights (N, S)
   * to host arrays; returns the next state.
   */
  public State decodeStep(
      Encoded enc, int[] srcRow, int[] prev, State state, float[] logProbs, float[] attnOut) {
    return guarded(
        "decodeStep",
        () -> {
          try (Tensor logits = be.zeros(prev.length, enc.outputWidth())) {
            return decodeOpen(enc, srcRow, prev, state, logits, logProbs, attnOut);
          }
        });
  }

  /**
   * {@link #decodeStep(Encoded, int[], int[], State, float[], float[])} that leaves the
   * log-probabilities (N, W) on the backend, in {@code logProbs} (allocated and closed by the
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
    int v = enc.outputWidth();
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
    boolean bahdanau = cfg.attention() == AttentionType.BAHDANAU;
    if (cfg.coverageAttention() != (state.coverage() != null)) {
      throw new IllegalArgumentException(
          "decodeStep: the state "
              + (cfg.coverageAttention()
                  ? "has no coverage, which this model reads"
                  : "has a coverage")
              + "; pass the State that encode, decodeStep or reorder returned for this model");
    }
    if (!bahdanau && cfg.inputFeeding() != (state.feed() != null)) {
      throw new IllegalArgumentException(
          "decodeStep: the state "
              + (cfg.inputFeeding() ? "has no previous h̃, which this model feeds" : "feeds h̃")
              + "; pass the State that encode, decodeStep or reorder returned for this model");
    }
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Decoder.Memory src = cfg.attention() == AttentionType.NONE ? null : enc.rowsFor(srcRow);
      // A copied source-only word (id ≥ V) is fed back as <unk>.
      int[] fed = cfg.copyAttention() ? CopyVocabulary.embeddable(prev, cfg.tgtVocab()) : prev;
      Tensor ids = own(open, be.uploadInts(fed, n));
      Tensor emb = own(open, tgtEmb.forward(ids, n, 1, cfg.embedSize()));
      Mat feed = state.feed() == null || bahdanau ? null : Mat.of(state.feed());
      Decoder.Step step =
          decoder.step(emb, 0, feed, src, state.coverage(), state.h(), state.c(), false, open);
      Tensor hTilde = step.hTilde();
      generator.emit(
          hTilde,
          step.att() == null ? null : step.att().weights(),
          logits,
          logProbs,
          attnOut,
          generator.copies() ? enc.copySources(srcRow) : null);
      Tensor nextFeed = null;
      if (cfg.inputFeeding()) {
        nextFeed = be.zeros(1, n, cfg.decoderHidden());
        be.copy(hTilde, nextFeed);
      }
      Tensor nextCoverage = null;
      if (state.coverage() != null) {
        nextCoverage = copyOf(state.coverage());
        be.axpby(1f, step.att().weights(), 1f, nextCoverage);
      }
      return new State(copyOf(step.out().hN()), copyOf(step.out().cN()), nextFeed, nextCoverage);
    } finally {
      closeAll(open);
    }
  }

  /** A new tensor holding a copy of {@code t}, or null for null. */
  private Tensor copyOf(Tensor t) {
    if (t == null) {
      return null;
    }
    Tensor c = be.zeros(t.shape().dims());
    be.copy(t, c);
    return c;
  }

  /** Reorders a state's hypotheses: row i of the result is row from[i] of each layer. */
  public State reorder(State s, int[] from) {
    return guarded(
        "reorder",
        () ->
            new State(
                reorderRows(s.h(), from),
                s.c() == null ? null : reorderRows(s.c(), from),
                s.feed() == null ? null : reorderRows(s.feed(), from),
                s.coverage() == null ? null : reorderRows(s.coverage(), from)));
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
}
