package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copy attention at inference agrees with training: the step-by-step distribution is normalised and
 * scores the gold target exactly as the teacher-forced loss does; bad combinations are refused.
 */
class CopyAttentionTest {
  private static Seq2SeqConfig config(boolean feed, float coverage) {
    return config(feed, coverage, false);
  }

  private static Seq2SeqConfig config(boolean feed, float coverage, boolean coverageAttention) {
    return Seq2SeqConfig.builder(11, 11)
        .coverageAttention(coverageAttention)
        .embed(5)
        .encoderHidden(4)
        .decoderHidden(6)
        .layers(1)
        .dropout(0f)
        .inputFeeding(feed)
        .copyAttention(true)
        .coverageLoss(coverage)
        .build();
  }

  /**
   * Tolerance 1e-4·|loss| + 1e-4: float32 sums over a few dozen terms, decoded once step by step
   * and once in one pass.
   */
  @ParameterizedTest(name = "input feeding {0}, coverage attention {1}, source-only words {2}")
  @CsvSource({
    "false,false,false",
    "true,false,false",
    "false,true,false",
    "true,true,false",
    "false,false,true",
    "true,true,true"
  })
  void stepwiseDistributionScoresTheGoldTargetAsTrainingDoes(
      boolean feed, boolean covAtt, boolean extended) {
    Backend be = TestBackends.cpu();
    // V = 11; with source-only words the source holds extended ids 11 and 12 (twice), and the
    // target copies 12, which only copying can produce.
    int[] src = extended ? new int[] {4, 11, 5, 12, 6, 12} : new int[] {4, 9, 5, 10, 6};
    int[] tgt = extended ? new int[] {12, 4, 11, 7} : new int[] {10, 4, 9, 7};
    try (Seq2SeqModel model = new Seq2SeqModel(be, config(feed, 0f, covAtt), 3)) {
      double teacher =
          model.evaluate(Seq2SeqBatch.of(new int[][] {src}, new int[][] {tgt}, 1, 2), 0f).sum();
      Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
      double forced = 0;
      try (Seq2SeqModel.Encoded enc =
          model.encode(src, new int[] {src.length}, 1, src.length, init)) {
        int v = enc.outputWidth();
        assertEquals(extended ? 13 : 11, v, "V plus the source-only words");
        Seq2SeqModel.State state = init[0];
        int prev = Seq2SeqModel.BOS;
        for (int t = 0; t <= tgt.length; t++) {
          float[] lp = new float[v];
          Seq2SeqModel.State next =
              model.decodeStep(enc, new int[] {0}, new int[] {prev}, state, lp, null);
          state.close();
          state = next;
          double total = 0;
          for (float x : lp) {
            total += Math.exp(x);
          }
          assertEquals(1.0, total, 1e-5, "step " + t + " is a distribution");
          int gold = t < tgt.length ? tgt[t] : Seq2SeqModel.EOS;
          forced -= lp[gold];
          prev = gold;
        }
        state.close();
      }
      assertEquals(teacher, forced, 1e-4 * Math.abs(teacher) + 1e-4);
    }
  }

  @Test
  void aCopiedTokenGetsTheAttentionMass() {
    // p(w) = g·pv(w) + (1−g)·Σ a_i[x_i = w]: the source id twice collects both weights.
    float[] probs = {0.5f, 0.25f, 0.25f, 0f};
    float[] gate = {0.6f};
    float[] attn = {0.3f, 0.7f, 0.0f};
    int[] ids = {3, 3, 1};
    float[] out = new float[4];
    CopyGenerator.mix(probs, gate, attn, ids, new int[] {2}, 3, out);
    assertEquals(Math.log(0.6 * 0.5), out[0], 1e-6);
    assertEquals(Math.log(0.6 * 0.25), out[1], 1e-6, "the third source position is padding");
    assertEquals(Math.log(0.4), out[3], 1e-6);
  }

  @Test
  void aSourceOnlyWordIsCopiedAndNothingElseGivesItProbability() {
    // V = 4; id 4 is the source's only source-only word, id 5 is no word of this source.
    float[] probs = {0.5f, 0.25f, 0.25f, 0f};
    float[] out = new float[6];
    CopyGenerator.mix(
        probs,
        new float[] {0.6f},
        new float[] {0.3f, 0.7f},
        new int[] {4, 1},
        new int[] {2},
        2,
        out);
    assertEquals(Math.log(0.4 * 0.3), out[4], 1e-6);
    assertEquals(Math.log(0.6 * 0.25 + 0.4 * 0.7), out[1], 1e-6);
    assertEquals(Math.log(CopyLoss.MIN_PROB), out[5], 1e-3);
  }

  @Test
  void refusesExtendedIdsThatNameNoSourceWord() {
    Backend be = TestBackends.cpu();
    try (Seq2SeqModel model = new Seq2SeqModel(be, config(false, 0f), 3)) {
      // Target id 12 ≥ V = 11 is not in its source {4, 11}.
      Seq2SeqBatch b = Seq2SeqBatch.of(new int[][] {{4, 11}}, new int[][] {{12}}, 1, 2);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.trainStep(b, 0f, 1f));
      assertTrue(e.getMessage().contains("not in the row's source"), e.getMessage());
      // A source id beyond V + S cannot be an extended id.
      Seq2SeqBatch far = Seq2SeqBatch.of(new int[][] {{4, 40}}, new int[][] {{4}}, 1, 2);
      e = assertThrows(IllegalArgumentException.class, () -> model.trainStep(far, 0f, 1f));
      assertTrue(e.getMessage().contains("extended id"), e.getMessage());
    }
    Seq2SeqConfig plain =
        Seq2SeqConfig.builder(11, 11).embed(4).encoderHidden(4).decoderHidden(4).build();
    try (Seq2SeqModel model = new Seq2SeqModel(be, plain, 3)) {
      Seq2SeqBatch b = Seq2SeqBatch.of(new int[][] {{4, 11}}, new int[][] {{4}}, 1, 2);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.trainStep(b, 0f, 1f));
      assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
    }
  }

  @Test
  void refusesLabelSmoothingAndSeparateVocabularies() {
    Backend be = TestBackends.cpu();
    try (Seq2SeqModel model = new Seq2SeqModel(be, config(false, 0f), 3)) {
      Seq2SeqBatch b = Seq2SeqBatch.of(new int[][] {{4, 5}}, new int[][] {{5}}, 1, 2);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.trainStep(b, 0.1f, 1f));
      assertTrue(e.getMessage().contains("label smoothing"), e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Seq2SeqConfig.builder(11, 12).copyAttention(true).build());
    assertTrue(e.getMessage().contains("joint"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Seq2SeqConfig.builder(11, 11)
                    .attention(AttentionType.NONE)
                    .coverageLoss(1f)
                    .build());
    assertTrue(e.getMessage().contains("attention"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Seq2SeqConfig.builder(11, 12).shareEmbeddings(true).build());
    assertTrue(e.getMessage().contains("joint vocabulary"), e.getMessage());
  }

  @Test
  void coverageLossMatchesItsDefinition() {
    // One row, 3 steps, 2 source positions: Σ_t Σ_i min(a_ti, Σ_{t'<t} a_t'i).
    float[] a = {0.9f, 0.1f, 0.5f, 0.5f, 0.2f, 0.8f};
    double expected = 0 + (Math.min(0.5, 0.9) + Math.min(0.5, 0.1)) + (Math.min(0.2, 1.4) + 0.6);
    double got = CopyLoss.coverage(a, new int[] {2}, new int[] {3}, 1, 3, 2, 2f, 1f, null);
    assertEquals(2 * expected, got, 1e-6);
  }

  /**
   * The decoding path's mixture (from log-probabilities, a logarithm only per copied entry) against
   * the reference {@link CopyGenerator#mix}: tolerance 2e-6 + 1e-6·|ref| in log space (float32
   * log-softmax against float32 softmax, a few ulp), on rows with repeated source ids, padding, and
   * gates near 0 and 1.
   */
  @ParameterizedTest(name = "{0} source-only ids")
  @ValueSource(ints = {0, 3})
  void theFastMixtureEqualsTheReference(int sourceOnly) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(17);
    int n = 6;
    int v = 50;
    int s = 7;
    int width = v + sourceOnly;
    float[] logits = new float[n * v];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (3 * r.nextGaussian());
    }
    float[] gate = {0.5f, 1e-6f, 0.999999f, 0.3f, 0.7f, 0.01f};
    int[] lengths = {7, 3, 5, 1, 7, 4};
    int[] ids = new int[n * s];
    float[] attn = new float[n * s];
    for (int row = 0; row < n; row++) {
      double sum = 0;
      for (int i = 0; i < lengths[row]; i++) {
        // Few distinct ids (repeats); with source-only words also ids V, V + 1, ...
        ids[row * s + i] =
            sourceOnly > 0 && i % 2 == 1 ? v + r.nextInt(sourceOnly) : 4 + r.nextInt(6);
        attn[row * s + i] = (float) r.nextDouble();
        sum += attn[row * s + i];
      }
      for (int i = 0; i < lengths[row]; i++) {
        attn[row * s + i] /= (float) sum;
      }
    }
    float[] probs = new float[n * v];
    float[] logp = new float[n * v];
    for (int row = 0; row < n; row++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int w = 0; w < v; w++) {
        max = Math.max(max, logits[row * v + w]);
      }
      double z = 0;
      for (int w = 0; w < v; w++) {
        z += Math.exp(logits[row * v + w] - max);
      }
      for (int w = 0; w < v; w++) {
        probs[row * v + w] = (float) (Math.exp(logits[row * v + w] - max) / z);
        logp[row * v + w] = (float) (logits[row * v + w] - max - Math.log(z));
      }
    }
    float[] want = new float[n * width];
    CopyGenerator.mix(probs, gate, attn, ids, lengths, s, want);
    float[] got = CopyGenerator.mixLog(logp, gate, attn, ids, lengths, s, width);
    assertEquals(width == v, got == logp, "in place exactly when W = V");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 2e-6 + 1e-6 * Math.abs(want[i]), "entry " + i);
    }
  }
}
