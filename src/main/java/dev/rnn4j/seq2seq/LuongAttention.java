package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Init;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Global attention over all decoder steps at once, in two phases. {@link #attend}: scores s = q_t ·
 * k_s with keys k = memory (DOT) or memory W_a^T (GENERAL), or s = v · tanh(W_q q_t + k_s) with k =
 * memory W_k^T (CONCAT and BAHDANAU, the additive score), masked at source padding, a = softmax(s),
 * context c_t = Σ_s a_ts memory_s. {@link #readout}: attentional state h̃_t = tanh(W_c [c_t; h_t]).
 * Luong et al. (2015) use the decoder state h_t as the query q_t ({@link #forward}); Bahdanau et
 * al. (2015) use the previous state h_{t-1} and feed c_t to the decoder, so the model calls the two
 * phases around its RNN step.
 *
 * <p>Shapes: memory (B, S, M), queries (B, T, H), weights (B, T, S), h̃ (B, T, H). Parameter
 * gradients accumulate. Thread-safety as the model.
 */
final class LuongAttention implements Module {
  private final Backend be;
  private final AttentionType type;
  private final int mem;
  private final int hid;
  private final Parameter wA; // (H, M), GENERAL only
  private final Parameter wC; // (H, M + H)
  private final Parameter wQ; // (H, H), CONCAT only
  private final Parameter wK; // (H, M), CONCAT only
  private final Parameter v; // (H), CONCAT only
  private final Parameter wCov; // coverage: (1, H) additive, (1, 1) otherwise; or null

  LuongAttention(Backend be, AttentionType type, int mem, int hid, SplittableRandom rng) {
    this(be, type, mem, hid, rng, false);
  }

  /**
   * With {@code coverage}, the scores also read a coverage vector cov_ts = Σ_{t'<t} a_t's (See et
   * al. 2017): the additive score becomes v · tanh(W_q q_t + k_s + w_cov cov_ts), the bilinear ones
   * gain w_cov · cov_ts; the caller passes the coverage to {@link #attend}.
   */
  LuongAttention(
      Backend be, AttentionType type, int mem, int hid, SplittableRandom rng, boolean coverage) {
    this.be = be;
    this.type = type;
    this.mem = mem;
    this.hid = hid;
    this.wA =
        type == AttentionType.GENERAL
            ? new Parameter("attention.linear_in.weight", init(rng, hid, mem))
            : null;
    this.wC = new Parameter("attention.linear_out.weight", init(rng, hid, mem + hid));
    boolean concat = additive(type);
    this.wQ = concat ? new Parameter("attention.linear_query.weight", init(rng, hid, hid)) : null;
    this.wK = concat ? new Parameter("attention.linear_context.weight", init(rng, hid, mem)) : null;
    this.v = concat ? new Parameter("attention.v.weight", init(rng, 1, hid)) : null;
    this.wCov =
        coverage
            ? new Parameter("attention.coverage.weight", init(rng, 1, concat ? hid : 1))
            : null;
  }

  /** Whether the scores read a coverage vector. */
  boolean coverage() {
    return wCov != null;
  }

  /** Whether the type scores with v · tanh(W_q q + W_k m). */
  static boolean additive(AttentionType type) {
    return type == AttentionType.CONCAT || type == AttentionType.BAHDANAU;
  }

  private Tensor init(SplittableRandom rng, int out, int in) {
    return be.upload(Init.uniform(rng, out * in, (float) (1 / Math.sqrt(in))), out, in);
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> p = new ArrayList<>();
    if (wA != null) {
      p.add(wA);
    }
    p.add(wC);
    if (wQ != null) {
      p.addAll(List.of(wQ, wK, v));
    }
    if (wCov != null) {
      p.add(wCov);
    }
    return p;
  }

  @Override
  public Backend backend() {
    return be;
  }

  /** Keys (B, S, H) for a memory (B, S, M): the memory itself for DOT (not copied). */
  Tensor keys(Tensor memory) {
    if (type == AttentionType.DOT) {
      return memory;
    }
    int[] d = memory.shape().dims();
    Tensor k = be.zeros(d[0], d[1], hid);
    Parameter w = additive(type) ? wK : wA;
    be.gemm(Mat.of(memory), false, Mat.of(w.value()), true, Mat.of(k), 1f, 0f);
    return k;
  }

  /** Everything backward needs; owns weights, concat and output. */
  static final class Step implements AutoCloseable {
    Tensor memory; // (B, S, M), not owned
    Tensor keys; // (B, S, H), not owned
    Tensor coverage; // (B, T, S) coverage read by the scores, not owned; or null
    Tensor queries; // (B, T, H), not owned
    Tensor weights; // (B, T, S)
    Tensor concat; // (B, T, M + H)
    Tensor out; // (B, T, H)
    Tensor energy; // CONCAT: tanh(W_q h_t + k_s) (B, T, S, H)
    Tensor queryProj; // CONCAT: W_q h_t (B, T, H)
    Tensor repeat; // CONCAT: (T·S, T) with 1 at ((t, s), t)
    Tensor ones; // CONCAT: (T, 1)

    /** Attention weights (B, T, S). */
    Tensor weights() {
      return weights;
    }

    /** h̃ (B, T, H), after {@link #readout}. */
    Tensor out() {
      return out;
    }

    /** The context c (B, T, M) as a view of the concatenation. */
    Mat context() {
      int m = concat.shape().dim(2) - queries.shape().dim(2);
      return Mat.of(concat).cols(0, m);
    }

    @Override
    public void close() {
      for (Tensor t : new Tensor[] {weights, concat, out, energy, queryProj, repeat, ones}) {
        if (t != null) {
          t.close();
        }
      }
    }
  }

  /** Luong's attention: {@link #attend} with queries h_t, then {@link #readout} of the same h_t. */
  Step forward(Tensor memory, Tensor keys, Tensor srcLengths, Tensor queries) {
    return forward(memory, keys, srcLengths, queries, null);
  }

  /** {@link #forward(Tensor, Tensor, Tensor, Tensor)} with a coverage (B, T, S) or null. */
  Step forward(Tensor memory, Tensor keys, Tensor srcLengths, Tensor queries, Tensor coverage) {
    Step s = attend(memory, keys, srcLengths, queries, coverage);
    try {
      readout(s, queries);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Weights and context for queries (B, T, H), the scores reading {@code coverage} (B, T, S) (not
   * owned; required exactly when this attention was built with coverage, else null); {@link
   * Step#out()} stays unset.
   */
  Step attend(Tensor memory, Tensor keys, Tensor srcLengths, Tensor queries, Tensor coverage) {
    int batch = memory.shape().dim(0);
    int src = memory.shape().dim(1);
    int tgt = queries.shape().dim(1);
    if ((coverage != null) != (wCov != null)) {
      throw new IllegalStateException(
          wCov != null
              ? "this attention reads a coverage vector; pass one"
              : "this attention has no coverage weight; pass no coverage");
    }
    Step s = new Step();
    s.memory = memory;
    s.keys = keys;
    s.queries = queries;
    s.coverage = coverage;
    try {
      s.weights = be.zeros(batch, tgt, src);
      s.concat = be.zeros(batch, tgt, mem + hid);
      s.out = be.zeros(batch, tgt, hid);
      if (additive(type)) {
        additiveScores(s, batch, tgt, src);
      } else {
        // scores (T, S) = queries (T, H) · keys^T (H, S), per batch entry.
        be.gemmStridedBatched(
            batch,
            new Mat(queries, 0, tgt, hid, hid),
            (long) tgt * hid,
            false,
            new Mat(keys, 0, src, hid, hid),
            (long) src * hid,
            true,
            new Mat(s.weights, 0, tgt, src, src),
            (long) tgt * src,
            1f,
            0f);
        if (coverage != null) {
          // scores (B·T·S, 1) += cov (B·T·S, 1) · w_cov (1, 1)
          int rows = batch * tgt * src;
          be.gemm(
              new Mat(coverage, 0, rows, 1, 1),
              false,
              Mat.of(wCov.value()),
              false,
              new Mat(s.weights, 0, rows, 1, 1),
              1f,
              1f);
        }
      }
      be.maskKeys(s.weights, srcLengths, Float.NEGATIVE_INFINITY);
      be.softmax(s.weights, s.weights);
      // context (T, M) = weights (T, S) · memory (S, M) into concat[:, :, 0:M].
      be.gemmStridedBatched(
          batch,
          new Mat(s.weights, 0, tgt, src, src),
          (long) tgt * src,
          false,
          new Mat(memory, 0, src, mem, mem),
          (long) src * mem,
          false,
          new Mat(s.concat, 0, tgt, mem, mem + hid),
          (long) tgt * (mem + hid),
          1f,
          0f);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** h̃ = tanh(W_c [c; h]) for decoder states h (B, T, H), into {@link Step#out()}. */
  void readout(Step s, Tensor states) {
    be.copy(Mat.of(states), Mat.of(s.concat).cols(mem, hid));
    be.gemm(Mat.of(s.concat), false, Mat.of(wC.value()), true, Mat.of(s.out), 1f, 0f);
    be.tanh(s.out, s.out);
  }

  /**
   * CONCAT scores into s.weights: E[b, t, s] = tanh(W_q h_t + k_s) (B, T, S, H) built with two
   * broadcasting GEMMs (a 0/1 repeat matrix and a ones column), then score = E · v.
   */
  private void additiveScores(Step s, int batch, int tgt, int src) {
    float[] rep = new float[tgt * src * tgt];
    for (int t = 0; t < tgt; t++) {
      for (int j = 0; j < src; j++) {
        rep[(t * src + j) * tgt + t] = 1f;
      }
    }
    float[] one = new float[tgt];
    java.util.Arrays.fill(one, 1f);
    s.repeat = be.upload(rep, tgt * src, tgt);
    s.ones = be.upload(one, tgt, 1);
    s.queryProj = be.zeros(batch, tgt, hid);
    s.energy = be.zeros(batch, tgt, src * hid);
    be.gemm(Mat.of(s.queries), false, Mat.of(wQ.value()), true, Mat.of(s.queryProj), 1f, 0f);
    long eStride = (long) tgt * src * hid;
    // E[b] (T·S, H) = R (T·S, T) · Qp[b] (T, H)
    be.gemmStridedBatched(
        batch,
        Mat.of(s.repeat),
        0,
        false,
        new Mat(s.queryProj, 0, tgt, hid, hid),
        (long) tgt * hid,
        false,
        new Mat(s.energy, 0, tgt * src, hid, hid),
        eStride,
        1f,
        0f);
    // E[b] (T, S·H) += 1 (T, 1) · K[b] (1, S·H)
    be.gemmStridedBatched(
        batch,
        Mat.of(s.ones),
        0,
        false,
        new Mat(s.keys, 0, 1, src * hid, src * hid),
        (long) src * hid,
        false,
        new Mat(s.energy, 0, tgt, src * hid, src * hid),
        eStride,
        1f,
        1f);
    if (s.coverage != null) {
      // E (B·T·S, H) += cov (B·T·S, 1) · w_cov (1, H)
      int rows = batch * tgt * src;
      be.gemm(
          new Mat(s.coverage, 0, rows, 1, 1),
          false,
          Mat.of(wCov.value()),
          false,
          new Mat(s.energy, 0, rows, hid, hid),
          1f,
          1f);
    }
    be.tanh(s.energy, s.energy);
    be.gemm(
        new Mat(s.energy, 0, batch * tgt * src, hid, hid),
        false,
        Mat.of(v.value()),
        true,
        new Mat(s.weights, 0, batch * tgt * src, 1, 1),
        1f,
        0f);
  }

  /** Backward of {@link #additiveScores}: dScores (B, T, S) -> dQueries +=, dKeys =, grads. */
  private void additiveBackward(
      Step s,
      Tensor dScores,
      Tensor dQueries,
      Tensor dKeys,
      Tensor dCoverage,
      int batch,
      int tgt,
      int src) {
    int rows = batch * tgt * src;
    Mat dS = new Mat(dScores, 0, rows, 1, 1);
    Mat e = new Mat(s.energy, 0, rows, hid, hid);
    be.gemm(dS, true, e, false, Mat.of(v.grad()), 1f, 1f);
    try (Tensor dE = be.zeros(batch, tgt, src * hid);
        Tensor dQp = be.zeros(batch, tgt, hid)) {
      be.gemm(dS, false, Mat.of(v.value()), false, new Mat(dE, 0, rows, hid, hid), 1f, 0f);
      be.tanhBackward(s.energy, dE, dE, 0f);
      if (s.coverage != null) {
        Mat dEm = new Mat(dE, 0, rows, hid, hid);
        Mat cov = new Mat(s.coverage, 0, rows, 1, 1);
        be.gemm(cov, true, dEm, false, Mat.of(wCov.grad()), 1f, 1f);
        if (dCoverage != null) {
          be.gemm(
              dEm, false, Mat.of(wCov.value()), true, new Mat(dCoverage, 0, rows, 1, 1), 1f, 0f);
        }
      }
      long eStride = (long) tgt * src * hid;
      be.gemmStridedBatched(
          batch,
          Mat.of(s.repeat),
          0,
          true,
          new Mat(dE, 0, tgt * src, hid, hid),
          eStride,
          false,
          new Mat(dQp, 0, tgt, hid, hid),
          (long) tgt * hid,
          1f,
          0f);
      be.gemmStridedBatched(
          batch,
          Mat.of(s.ones),
          0,
          true,
          new Mat(dE, 0, tgt, src * hid, src * hid),
          eStride,
          false,
          new Mat(dKeys, 0, 1, src * hid, src * hid),
          (long) src * hid,
          1f,
          0f);
      be.gemm(Mat.of(dQp), true, Mat.of(s.queries), false, Mat.of(wQ.grad()), 1f, 1f);
      be.gemm(Mat.of(dQp), false, Mat.of(wQ.value()), false, Mat.of(dQueries), 1f, 1f);
    }
  }

  /**
   * Back-propagates dOut (B, T, H) (used as workspace) through {@link #forward}. Writes dQueries
   * (B, T, H); adds into dMemory (B, S, M); accumulates parameter gradients. {@code dWeights} (B,
   * T, S), or null, is a direct gradient of the weights (copy attention, the coverage loss); where
   * the scores read a coverage, its gradient (B, T, S) goes into {@code dCoverage} (if not null).
   */
  void backward(
      Step s, Tensor dOut, Tensor dQueries, Tensor dMemory, Tensor dWeights, Tensor dCoverage) {
    try (Tensor dConcat = readoutBackward(s, dOut)) {
      be.copy(Mat.of(dConcat).cols(mem, hid), Mat.of(dQueries));
      attendBackward(s, dConcat, dQueries, dMemory, dWeights, dCoverage);
    }
  }

  /**
   * Backward of {@link #readout}: from dOut (B, T, H) (used as workspace) returns d[c; h] (B, T, M
   * + H), a new tensor the caller closes; accumulates W_c's gradient.
   */
  Tensor readoutBackward(Step s, Tensor dOut) {
    int batch = s.memory.shape().dim(0);
    int tgt = s.queries.shape().dim(1);
    Tensor dConcat = be.zeros(batch, tgt, mem + hid);
    try {
      be.tanhBackward(s.out, dOut, dOut, 0f);
      be.gemm(Mat.of(dOut), true, Mat.of(s.concat), false, Mat.of(wC.grad()), 1f, 1f);
      be.gemm(Mat.of(dOut), false, Mat.of(wC.value()), false, Mat.of(dConcat), 1f, 0f);
      return dConcat;
    } catch (RuntimeException e) {
      dConcat.close();
      throw e;
    }
  }

  /**
   * Backward of {@link #attend}: from the context gradient in dConcat[:, :, 0:M] (B, T, M + H) and
   * a direct gradient of the weights {@code dWeights} (B, T, S) or null, adds into dQueries (B, T,
   * H) and dMemory (B, S, M); accumulates parameter gradients. Where the scores read a coverage,
   * accumulates w_cov's gradient and writes the coverage's gradient (B, T, S) into {@code
   * dCoverage} (if not null).
   */
  void attendBackward(
      Step s, Tensor dConcat, Tensor dQueries, Tensor dMemory, Tensor dWeights, Tensor dCoverage) {
    int batch = s.memory.shape().dim(0);
    int src = s.memory.shape().dim(1);
    int tgt = s.queries.shape().dim(1);
    try (Tensor dScores = be.zeros(batch, tgt, src);
        Tensor dKeys = be.zeros(batch, src, hid)) {
      Mat dContext = new Mat(dConcat, 0, tgt, mem, mem + hid);
      long dcStride = (long) tgt * (mem + hid);
      // dWeights (T, S) = dContext (T, M) · memory^T.
      be.gemmStridedBatched(
          batch,
          dContext,
          dcStride,
          false,
          new Mat(s.memory, 0, src, mem, mem),
          (long) src * mem,
          true,
          new Mat(dScores, 0, tgt, src, src),
          (long) tgt * src,
          1f,
          0f);
      // dMemory (S, M) += weights^T (S, T) · dContext (T, M).
      be.gemmStridedBatched(
          batch,
          new Mat(s.weights, 0, tgt, src, src),
          (long) tgt * src,
          true,
          dContext,
          dcStride,
          false,
          new Mat(dMemory, 0, src, mem, mem),
          (long) src * mem,
          1f,
          1f);
      if (dWeights != null) {
        be.axpby(1f, dWeights, 1f, dScores);
      }
      be.softmaxBackward(s.weights, dScores, dScores);
      if (additive(type)) {
        additiveBackward(s, dScores, dQueries, dKeys, dCoverage, batch, tgt, src);
      } else {
        if (s.coverage != null) {
          int rows = batch * tgt * src;
          Mat dS = new Mat(dScores, 0, rows, 1, 1);
          Mat cov = new Mat(s.coverage, 0, rows, 1, 1);
          be.gemm(cov, true, dS, false, Mat.of(wCov.grad()), 1f, 1f);
          if (dCoverage != null) {
            be.gemm(
                dS, false, Mat.of(wCov.value()), false, new Mat(dCoverage, 0, rows, 1, 1), 1f, 0f);
          }
        }
        // dQueries (T, H) += dScores (T, S) · keys (S, H); dKeys (S, H) = dScores^T · queries.
        be.gemmStridedBatched(
            batch,
            new Mat(dScores, 0, tgt, src, src),
            (long) tgt * src,
            false,
            new Mat(s.keys, 0, src, hid, hid),
            (long) src * hid,
            false,
            new Mat(dQueries, 0, tgt, hid, hid),
            (long) tgt * hid,
            1f,
            1f);
        be.gemmStridedBatched(
            batch,
            new Mat(dScores, 0, tgt, src, src),
            (long) tgt * src,
            true,
            new Mat(s.queries, 0, tgt, hid, hid),
            (long) tgt * hid,
            false,
            new Mat(dKeys, 0, src, hid, hid),
            (long) src * hid,
            1f,
            0f);
      }
      if (type != AttentionType.DOT) {
        Parameter w = additive(type) ? wK : wA;
        be.gemm(Mat.of(dKeys), true, Mat.of(s.memory), false, Mat.of(w.grad()), 1f, 1f);
        be.gemm(Mat.of(dKeys), false, Mat.of(w.value()), false, Mat.of(dMemory), 1f, 1f);
      } else {
        be.axpby(1f, dKeys, 1f, dMemory);
      }
    }
  }
}
