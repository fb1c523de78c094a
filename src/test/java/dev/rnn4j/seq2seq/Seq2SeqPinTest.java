package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A regression pin of {@link Seq2SeqModel}: for a fixed seed, the initial weights (names, shapes,
 * every bit, in {@code parameters()} order — the checkpoint order and the construction-time RNG
 * draw order), the losses of three training steps with every dropout on (each followed by an SGD
 * update, so the losses also pin the gradients and the dropout streams), the validation loss and a
 * few decoding steps (encode, decodeStep in both forms, reorder), for every decoder pass (parallel,
 * input feeding, Bahdanau) and the copy and coverage losses. The expected values were computed by
 * the model before it was split into {@code Bridge}, {@code DecoderPasses} and {@code Generator}.
 *
 * <p>The weights come from Java's {@code SplittableRandom} only and are compared bit for bit. The
 * losses and log-probabilities go through oneDNN's GEMMs, whose kernels (and so their rounding)
 * differ between CPUs: they are compared within 1e-6 + 1e-5·|ref| — a few float32 ulp per operation
 * over three steps, while a changed seed stream, mask or gradient moves them by 1e-3 or more. On
 * the reference machine (AMD EPYC with AVX-512, {@code CpuBackend(2)}) a SHA-256 of every loss,
 * gradient, log-probability, attention weight and state bit must match as well; run with {@code
 * -Drnn4j.pin.exact=true} there to check that.
 */
class Seq2SeqPinTest {
  private static final double ATOL = 1e-6;
  private static final double RTOL = 1e-5;

  /** Expected values: the weights' hash, then losses and decoding sums, then the exact digest. */
  private record Expected(String weights, double[] values, String exact) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "lstm general bi 2/2, dropout",
            Seq2SeqConfig.builder(11, 10)
                .embed(5)
                .cell(CellType.LSTM)
                .encoderHidden(4)
                .decoderHidden(6)
                .encoderLayers(2)
                .decoderLayers(2)
                .bidirectional(true)
                .attention(AttentionType.GENERAL)
                .dropout(0.3f)
                .embeddingDropout(0.2f)
                .build()),
        Arguments.of(
            "gru dot feeding, dropout",
            Seq2SeqConfig.builder(11, 10)
                .embed(4)
                .cell(CellType.GRU)
                .encoderHidden(5)
                .decoderHidden(5)
                .layers(1)
                .bidirectional(false)
                .attention(AttentionType.DOT)
                .inputFeeding(true)
                .dropout(0.2f)
                .embeddingDropout(0.1f)
                .build()),
        Arguments.of(
            "rnn concat tied, enc 1 dec 2",
            Seq2SeqConfig.builder(11, 10)
                .embed(5)
                .cell(CellType.RNN_TANH)
                .encoderHidden(3)
                .decoderHidden(5)
                .encoderLayers(1)
                .decoderLayers(2)
                .attention(AttentionType.CONCAT)
                .tieEmbeddings(true)
                .dropout(0f)
                .build()),
        Arguments.of(
            "lstm no attention bi, enc 3 dec 1",
            Seq2SeqConfig.builder(11, 10)
                .embed(4)
                .cell(CellType.LSTM)
                .encoderHidden(3)
                .decoderHidden(4)
                .encoderLayers(3)
                .decoderLayers(1)
                .bidirectional(true)
                .attention(AttentionType.NONE)
                .dropout(0.25f)
                .build()),
        Arguments.of(
            "lstm bahdanau dec 2, dropout",
            Seq2SeqConfig.builder(11, 10)
                .embed(4)
                .cell(CellType.LSTM)
                .encoderHidden(3)
                .decoderHidden(5)
                .encoderLayers(1)
                .decoderLayers(2)
                .bidirectional(true)
                .attention(AttentionType.BAHDANAU)
                .dropout(0.25f)
                .embeddingDropout(0.1f)
                .build()),
        Arguments.of(
            "copy coverage feeding shared tied",
            Seq2SeqConfig.builder(10, 10)
                .embed(5)
                .cell(CellType.LSTM)
                .encoderHidden(3)
                .decoderHidden(5)
                .layers(1)
                .attention(AttentionType.GENERAL)
                .inputFeeding(true)
                .shareEmbeddings(true)
                .tieEmbeddings(true)
                .copyAttention(true)
                .coverageLoss(0.5f)
                .dropout(0.2f)
                .build()),
        Arguments.of(
            "copy coverage bahdanau gru",
            Seq2SeqConfig.builder(10, 10)
                .embed(4)
                .cell(CellType.GRU)
                .encoderHidden(3)
                .decoderHidden(4)
                .layers(1)
                .attention(AttentionType.BAHDANAU)
                .copyAttention(true)
                .coverageLoss(1f)
                .dropout(0.1f)
                .build()),
        Arguments.of(
            "copy concat parallel",
            Seq2SeqConfig.builder(10, 10)
                .embed(4)
                .cell(CellType.LSTM)
                .encoderHidden(3)
                .decoderHidden(4)
                .layers(1)
                .bidirectional(true)
                .attention(AttentionType.CONCAT)
                .copyAttention(true)
                .dropout(0.2f)
                .build()),
        Arguments.of(
            "coverage dot parallel",
            Seq2SeqConfig.builder(10, 10)
                .embed(4)
                .cell(CellType.GRU)
                .encoderHidden(4)
                .decoderHidden(4)
                .layers(1)
                .bidirectional(false)
                .attention(AttentionType.DOT)
                .coverageLoss(0.7f)
                .dropout(0.2f)
                .embeddingDropout(0.1f)
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void weightsLossesAndDecodingArePinned(String name, Seq2SeqConfig cfg) throws Exception {
    Backend be = TestBackends.cpu();
    Observed got = observe(be, cfg, 20240517L);
    Expected want = EXPECTED.get(name);
    String report = name + ": weights " + got.weights + " values " + got.values + " " + got.exact;
    if (want == null) {
      throw new AssertionError("no expected values for " + report);
    }
    assertEquals(want.weights, got.weights, "weight hash of " + name);
    assertEquals(want.values.length, got.values.size(), report);
    for (int i = 0; i < want.values.length; i++) {
      double w = want.values[i];
      double g = got.values.get(i);
      assertTrue(
          Math.abs(g - w) <= ATOL + RTOL * Math.abs(w),
          name + " value " + i + ": expected " + w + ", got " + g + " (" + report + ")");
    }
    if (Boolean.getBoolean("rnn4j.pin.exact")) {
      assertEquals(want.exact, got.exact, "exact digest of " + name);
    }
    // The same seed builds the same model again, bit for bit, in the same JVM.
    Observed again = observe(be, cfg, 20240517L);
    assertEquals(got.exact, again.exact, "a second model with the same seed");
    assertArrayEquals(
        got.values.stream().mapToDouble(Double::doubleValue).toArray(),
        again.values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private record Observed(String weights, List<Double> values, String exact) {}

  private static Observed observe(Backend be, Seq2SeqConfig cfg, long seed)
      throws NoSuchAlgorithmException {
    MessageDigest exact = MessageDigest.getInstance("SHA-256");
    List<Double> values = new ArrayList<>();
    int[][][] srcs = {
      {{4, 5, 6, 8}, {7, 8}, {5, 9, 4}},
      {{6, 6, 7}, {9}, {4, 5, 6, 7, 8}},
      {{8, 4}, {5, 7, 9, 6}, {6}}
    };
    int[][][] tgts = {
      {{6, 4, 8}, {8, 7, 4}, {5, 5}},
      {{7, 6}, {9, 9, 4, 5}, {4}},
      {{4, 8}, {5, 6, 7}, {6, 9, 9}}
    };
    float smoothing = cfg.copyAttention() ? 0f : 0.1f;
    String weights;
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, seed)) {
      MessageDigest w = MessageDigest.getInstance("SHA-256");
      for (Parameter p : model.parameters()) {
        w.update(p.name().getBytes(StandardCharsets.UTF_8));
        w.update(p.value().shape().toString().getBytes(StandardCharsets.UTF_8));
        update(w, be.download(p.value()));
      }
      weights = HexFormat.of().formatHex(w.digest(), 0, 8);
      for (int step = 0; step < 3; step++) {
        Seq2SeqBatch batch =
            Seq2SeqBatch.of(srcs[step], tgts[step], Seq2SeqModel.BOS, Seq2SeqModel.EOS);
        model.zeroGrad();
        Seq2SeqModel.Loss loss = model.trainStep(batch, smoothing, 1f / batch.targetTokens());
        values.add(loss.sum());
        values.add(loss.coverage());
        update(exact, loss.sum(), loss.coverage(), loss.tokens());
        for (Parameter p : model.parameters()) {
          update(exact, be.download(p.grad()));
          be.axpby(-0.5f, p.grad(), 1f, p.value());
        }
      }
      assertEquals(3, model.dropoutCalls(), "dropout calls after three steps");
      Seq2SeqBatch dev = Seq2SeqBatch.of(srcs[1], tgts[0], Seq2SeqModel.BOS, Seq2SeqModel.EOS);
      Seq2SeqModel.Loss eval = model.evaluate(dev, smoothing);
      values.add(eval.sum());
      values.add(eval.coverage());
      update(exact, eval.sum(), eval.coverage());
      values.add(decode(be, model, exact));
    }
    return new Observed(weights, values, HexFormat.of().formatHex(exact.digest(), 0, 16));
  }

  /**
   * Four greedy steps for two sources, the second step through the device-side decodeStep and the
   * third after swapping the hypotheses with reorder; returns the sum of the chosen log-probs.
   */
  private static double decode(Backend be, Seq2SeqModel model, MessageDigest exact) {
    int v = model.config().tgtVocab();
    int[] src = {4, 5, 6, 7, 8, 9, 0, 0};
    int[] lens = {4, 2};
    Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
    double total = 0;
    try (Seq2SeqModel.Encoded enc = model.encode(src, lens, 2, 4, init)) {
      Seq2SeqModel.State state = init[0];
      int[] rows = {0, 1};
      int[] prev = {Seq2SeqModel.BOS, Seq2SeqModel.BOS};
      for (int step = 0; step < 4; step++) {
        float[] logp = new float[2 * v];
        float[] attn = new float[2 * 4];
        Seq2SeqModel.State next;
        if (step == 1) {
          try (Tensor lp = be.zeros(2, v)) {
            next = model.decodeStep(enc, rows, prev, state, lp, attn);
            logp = be.download(lp);
          }
        } else {
          next = model.decodeStep(enc, rows, prev, state, logp, attn);
        }
        state.close();
        state = next;
        update(exact, logp);
        update(exact, attn);
        update(exact, be.download(state.h()));
        for (int i = 0; i < 2; i++) {
          int best = 0;
          for (int k = 1; k < v; k++) {
            if (logp[i * v + k] > logp[i * v + best]) {
              best = k;
            }
          }
          prev[i] = best;
          total += logp[i * v + best];
        }
        if (step == 2) {
          int[] from = {1, 0};
          Seq2SeqModel.State swapped = model.reorder(state, from);
          state.close();
          state = swapped;
          rows = new int[] {1, 0};
          prev = new int[] {prev[1], prev[0]};
        }
      }
      state.close();
    }
    return total;
  }

  private static void update(MessageDigest d, float[] a) {
    ByteBuffer buf = ByteBuffer.allocate(4 * a.length);
    for (float f : a) {
      buf.putInt(Float.floatToRawIntBits(f));
    }
    d.update(buf.array());
  }

  private static void update(MessageDigest d, double... a) {
    ByteBuffer buf = ByteBuffer.allocate(8 * a.length);
    for (double x : a) {
      buf.putLong(Double.doubleToRawLongBits(x));
    }
    d.update(buf.array());
  }

  private static final Map<String, Expected> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "lstm general bi 2/2, dropout",
              new Expected(
                  "b2e733381a724745",
                  new double[] {
                    25.44226586818695,
                    0.0,
                    22.776549220085144,
                    0.0,
                    24.797440767288208,
                    0.0,
                    24.61312699317932,
                    0.0,
                    -15.335236430168152
                  },
                  "8f49ae7fd36264c9bccca47bb6ddda37")),
          Map.entry(
              "gru dot feeding, dropout",
              new Expected(
                  "caafa654cc60cda2",
                  new double[] {
                    25.142136335372925,
                    0.0,
                    23.314985275268555,
                    0.0,
                    25.743774890899658,
                    0.0,
                    23.8986496925354,
                    0.0,
                    -15.442463397979736
                  },
                  "fa41641bd4d55da049cd9c50764c5f73")),
          Map.entry(
              "rnn concat tied, enc 1 dec 2",
              new Expected(
                  "1388b46bde13caea",
                  new double[] {
                    29.796088337898254,
                    0.0,
                    29.59628391265869,
                    0.0,
                    21.948371171951294,
                    0.0,
                    27.60936951637268,
                    0.0,
                    -13.213934540748596
                  },
                  "8e0fe685a70f00aa1c45b1751f370e0d")),
          Map.entry(
              "lstm no attention bi, enc 3 dec 1",
              new Expected(
                  "a039785785804a95",
                  new double[] {
                    26.207743287086487,
                    0.0,
                    23.306126832962036,
                    0.0,
                    25.525094866752625,
                    0.0,
                    25.058170318603516,
                    0.0,
                    -14.940724849700928
                  },
                  "4586968179d8916dbab3990420dd23f4")),
          Map.entry(
              "lstm bahdanau dec 2, dropout",
              new Expected(
                  "0dd981e69ceed183",
                  new double[] {
                    24.55029010772705,
                    0.0,
                    22.99015176296234,
                    0.0,
                    25.149443984031677,
                    0.0,
                    23.713578820228577,
                    0.0,
                    -14.693354725837708
                  },
                  "c486884c7a5b5de0e54decda367e6870")),
          Map.entry(
              "copy coverage feeding shared tied",
              new Expected(
                  "de68937e575ec5f5",
                  new double[] {
                    23.058787194750884,
                    3.9916741773486137,
                    20.356668100997524,
                    3.497650571167469,
                    23.019882248821695,
                    3.9917265847325325,
                    26.873829080337575,
                    3.992433622479439,
                    -11.071547627449036
                  },
                  "286487862d326a79ffd8f5883a830b5a")),
          Map.entry(
              "copy coverage bahdanau gru",
              new Expected(
                  "51680d017a5c3099",
                  new double[] {
                    22.023352526416627,
                    7.993501216173172,
                    19.32923366486212,
                    6.997500896453857,
                    22.991148062396775,
                    7.994852438569069,
                    27.202222741629658,
                    7.997328370809555,
                    -11.784061431884766
                  },
                  "d7fe53f642f32727914510a775146db5")),
          Map.entry(
              "copy concat parallel",
              new Expected(
                  "f63c008026945acb",
                  new double[] {
                    22.740130739970187,
                    0.0,
                    20.08991763663213,
                    0.0,
                    24.07017837353284,
                    0.0,
                    27.531287628651327,
                    0.0,
                    -11.236194014549255
                  },
                  "1de7861fdbc2812ad4e85e60000408fd")),
          Map.entry(
              "coverage dot parallel",
              new Expected(
                  "e0658f9a01c2709e",
                  new double[] {
                    24.187835335731506,
                    5.4691708423125585,
                    22.299635410308838,
                    4.793343250779708,
                    25.316967129707336,
                    5.46642392952231,
                    23.196800231933594,
                    5.518428102034702,
                    -15.61740255355835
                  },
                  "6367b5fb01aa98faf60ceded42012af1")));
}
