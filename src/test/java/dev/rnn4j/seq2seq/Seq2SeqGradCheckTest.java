package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finite differences of the whole encoder–decoder loss (label-smoothed cross-entropy summed over
 * target tokens, padded batch) against the gradients of {@link Seq2SeqModel#trainStep}, for sampled
 * entries of every parameter. Tolerance 2e-3 + 2e-2·|numeric| (float32 central differences with
 * step 1e-2; see RecurrentGradCheckTest for the derivation).
 */
class Seq2SeqGradCheckTest {
  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(CellType.LSTM, AttentionType.GENERAL, true, 2, 1, false, false),
        Arguments.of(CellType.GRU, AttentionType.DOT, false, 1, 2, false, false),
        Arguments.of(CellType.LSTM, AttentionType.NONE, false, 1, 1, true, false),
        Arguments.of(CellType.RNN_TANH, AttentionType.GENERAL, true, 1, 1, true, false),
        Arguments.of(CellType.LSTM, AttentionType.CONCAT, true, 1, 1, false, false),
        Arguments.of(CellType.LSTM, AttentionType.GENERAL, true, 2, 2, true, true),
        Arguments.of(CellType.GRU, AttentionType.CONCAT, false, 1, 1, false, true),
        Arguments.of(CellType.LSTM, AttentionType.BAHDANAU, true, 1, 2, false, false),
        Arguments.of(CellType.GRU, AttentionType.BAHDANAU, false, 2, 1, true, false));
  }

  @ParameterizedTest(name = "{0} {1} bi={2} enc={3} dec={4} tied={5} feed={6}")
  @MethodSource("configs")
  void gradientsMatchFiniteDifferences(
      CellType cell,
      AttentionType att,
      boolean bi,
      int encLayers,
      int decLayers,
      boolean tie,
      boolean feed) {
    Backend be = TestBackends.cpu();
    int hid = 4;
    int encHid = att == AttentionType.DOT ? (bi ? 2 : 4) : 3;
    int embed = tie ? hid : 3;
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            9, 8, embed, cell, encHid, encLayers, bi, hid, decLayers, att, 0f, tie, feed);
    int[][] src = {{4, 5, 6}, {7, 8}, {5}};
    int[][] tgt = {{4, 5}, {6, 7, 4}, {5}};
    Seq2SeqBatch batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    float smoothing = 0.1f;
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 11)) {
      model.zeroGrad();
      model.trainStep(batch, smoothing, 1f);
      checkGradients(be, model, () -> model.evaluate(batch, smoothing).sum(), 5, 0);
    }
  }

  static Stream<Arguments> copyConfigs() {
    return Stream.of(
        Arguments.of(AttentionType.GENERAL, false, true, 0f, false, false),
        Arguments.of(AttentionType.GENERAL, true, true, 0.5f, false, false),
        Arguments.of(AttentionType.CONCAT, false, false, 0.5f, true, false),
        Arguments.of(AttentionType.BAHDANAU, false, true, 1f, true, false),
        Arguments.of(AttentionType.DOT, true, false, 0.7f, false, false),
        Arguments.of(AttentionType.GENERAL, false, false, 0f, false, true),
        Arguments.of(AttentionType.CONCAT, true, true, 0.5f, false, true),
        Arguments.of(AttentionType.BAHDANAU, false, true, 1f, false, true),
        Arguments.of(AttentionType.DOT, false, true, 0.7f, true, true));
  }

  /**
   * Copy attention (the pointer-generator mixture replaces the cross-entropy) and the coverage
   * loss: finite differences of NLL + coverage against trainStep's gradients, with a joint
   * vocabulary and targets that copy source ids, through the parallel, input-feeding and Bahdanau
   * passes.
   */
  @ParameterizedTest(name = "{0} feed={1} copy={2} coverage={3} shared={4} covAttention={5}")
  @MethodSource("copyConfigs")
  void copyAndCoverageGradientsMatchFiniteDifferences(
      AttentionType att,
      boolean feed,
      boolean copy,
      float coverage,
      boolean shared,
      boolean coverageAttention) {
    Backend be = TestBackends.cpu();
    int hid = 4;
    int encHid = att == AttentionType.DOT ? 2 : 3;
    Seq2SeqConfig cfg =
        Seq2SeqConfig.builder(9, 9)
            .embed(shared ? hid : 3)
            .encoderHidden(encHid)
            .decoderHidden(hid)
            .layers(1)
            .attention(att)
            .dropout(0f)
            .inputFeeding(feed)
            .shareEmbeddings(shared)
            .tieEmbeddings(shared)
            .copyAttention(copy)
            .coverageLoss(coverage)
            .coverageAttention(coverageAttention)
            .build();
    int[][] src = {{4, 5, 6, 8}, {7, 8}, {5}};
    int[][] tgt = {{6, 4, 8}, {8, 7, 4}, {5, 5}};
    if (copy) {
      // Source-only words (ids ≥ V = 9): the first row's 9 is copied, the second's 10 is not.
      src = new int[][] {{4, 9, 6, 8}, {7, 9, 10}, {5}};
      tgt = new int[][] {{6, 9, 8}, {8, 7, 9}, {5, 5}};
    }
    Seq2SeqBatch batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 13)) {
      model.zeroGrad();
      Seq2SeqModel.Loss l = model.trainStep(batch, 0f, 1f);
      assertEquals(coverage > 0, l.coverage() > 0, "coverage term present iff weighted");
      checkGradients(
          be,
          model,
          () -> {
            Seq2SeqModel.Loss e = model.evaluate(batch, 0f);
            return e.sum() + e.coverage();
          },
          7,
          0);
    }
  }

  /**
   * With every dropout on (between layers, embeddings, before the output projection) the training
   * loss is a smooth function of the weights for fixed masks: resetting the dropout counter before
   * each training-mode forward replays the same masks, so finite differences of trainStep's loss
   * (with gradient scale 0) check the masked backward passes.
   */
  @ParameterizedTest(name = "input feeding {0}")
  @ValueSource(booleans = {false, true})
  void gradientsWithDropoutMatchFiniteDifferences(boolean feed) {
    Backend be = TestBackends.cpu();
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            9,
            8,
            3,
            CellType.LSTM,
            3,
            2,
            true,
            4,
            2,
            AttentionType.GENERAL,
            0.3f,
            false,
            feed,
            0.3f);
    int[][] src = {{4, 5, 6}, {7, 8}, {5}};
    int[][] tgt = {{4, 5}, {6, 7, 4}, {5}};
    Seq2SeqBatch batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    float smoothing = 0.1f;
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 11)) {
      model.zeroGrad();
      model.setDropoutCalls(0);
      double loss = model.trainStep(batch, smoothing, 1f).sum();
      model.setDropoutCalls(0);
      assertEquals(loss, model.trainStep(batch, smoothing, 0f).sum(), "same masks, same loss");
      assertNotEquals(loss, model.evaluate(batch, smoothing).sum(), 1e-6, "dropout is active");
      // Every entry of the embeddings (every row a dropout mask touches is checked).
      checkGradients(
          be,
          model,
          () -> {
            model.setDropoutCalls(0);
            return model.trainStep(batch, smoothing, 0f).sum();
          },
          6,
          32);
    }
  }

  /**
   * Checks each parameter's gradient against central differences of {@code loss}: every entry of
   * tensors of up to {@code allUpTo} elements, five sampled entries of the others.
   */
  private static void checkGradients(
      Backend be, Seq2SeqModel model, DoubleSupplier loss, long seed, int allUpTo) {
    SplittableRandom r = new SplittableRandom(seed);
    for (Parameter p : model.parameters()) {
      float[] g = be.download(p.grad());
      float[] v = be.download(p.value());
      boolean all = v.length <= allUpTo;
      for (int s = 0; s < (all ? v.length : Math.min(5, v.length)); s++) {
        int i = all ? s : r.nextInt(v.length);
        float orig = v[i];
        float h = 1e-2f;
        v[i] = orig + h;
        set(be, p.value(), v);
        double lp = loss.getAsDouble();
        v[i] = orig - h;
        set(be, p.value(), v);
        double lm = loss.getAsDouble();
        v[i] = orig;
        set(be, p.value(), v);
        double numeric = (lp - lm) / (2 * h);
        double err = Math.abs(numeric - g[i]);
        assertTrue(
            err <= 2e-3 + 2e-2 * Math.abs(numeric),
            p.name() + "[" + i + "]: analytic " + g[i] + ", numeric " + numeric + ", diff " + err);
      }
    }
  }

  private static void set(Backend be, Tensor t, float[] v) {
    try (Tensor u = be.upload(v, t.shape().dims())) {
      be.copy(u, t);
    }
  }
}
