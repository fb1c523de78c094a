package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.tensor.Tensor;
import dev.rnn4j.train.GradientClipping;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole encoder–decoder models on the CPU and CUDA backends: training steps (loss, every parameter
 * gradient, the clipped global norm, the weights after SGD steps) and batched greedy and
 * beam-search decoding with identical weights. Dropout masks come from the same counter-based
 * generator on both backends, so configurations with dropout must agree too. Skips without a GPU.
 *
 * <p>Tolerances: losses 1e-5 + 1e-4·|ref| and gradients 1e-4 + 1e-3·|ref| (the layer parity test's,
 * for the same reasons: float GEMMs summed in different orders by oneDNN and cuBLAS); the weights
 * after 4 SGD steps 1e-5 + 1e-4·|ref| (lr 0.1 times the gradient tolerance); beam scores 1e-4 +
 * 1e-4·|ref|. Decoded tokens must be identical: the model is trained first so that no two
 * candidates are within float noise of each other.
 */
class CudaSeq2SeqParityTest {
  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(CellType.LSTM, AttentionType.GENERAL, true, 2, 1, false, true, 0f),
        Arguments.of(CellType.GRU, AttentionType.DOT, false, 1, 2, true, false, 0f),
        Arguments.of(CellType.RNN_TANH, AttentionType.BAHDANAU, true, 1, 1, false, false, 0f),
        Arguments.of(CellType.LSTM, AttentionType.CONCAT, true, 1, 2, false, false, 0.2f),
        Arguments.of(CellType.GRU, AttentionType.NONE, true, 2, 2, false, false, 0.3f));
  }

  private static Seq2SeqBatch batch(int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 7;
    int[][] src = new int[n][];
    int[][] tgt = new int[n][];
    for (int i = 0; i < n; i++) {
      src[i] = r.ints(1 + r.nextInt(9), 4, vocab).toArray();
      tgt[i] = r.ints(1 + r.nextInt(8), 4, vocab).toArray();
    }
    return Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
  }

  private record Trace(
      List<Double> losses, List<Double> norms, List<float[]> grads, List<float[]> weights) {}

  private static Trace train(Backend be, Seq2SeqConfig cfg, Seq2SeqBatch batch) {
    List<Double> losses = new ArrayList<>();
    List<Double> norms = new ArrayList<>();
    List<float[]> grads = new ArrayList<>();
    List<float[]> weights = new ArrayList<>();
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 5);
        Optimizer opt = new Sgd(0.1f, 0.9f)) {
      for (int step = 0; step < 4; step++) {
        model.zeroGrad();
        losses.add(model.trainStep(batch, 0.1f, 1f / batch.targetTokens()).sum());
        if (step == 0) {
          for (Parameter p : model.parameters()) {
            grads.add(be.download(p.grad()));
          }
        }
        norms.add(GradientClipping.clipGlobalNorm(model.parameters(), 1.0));
        opt.step(model.parameters());
      }
      losses.add(model.evaluate(batch, 0.1f).sum());
      for (Parameter p : model.parameters()) {
        weights.add(be.download(p.value()));
      }
    }
    return new Trace(losses, norms, grads, weights);
  }

  @ParameterizedTest(name = "{0} {1} bi={2} enc={3} dec={4} tied={5} feed={6} dropout={7}")
  @MethodSource("configs")
  void trainingStepsAgree(
      CellType cell,
      AttentionType att,
      boolean bi,
      int encLayers,
      int decLayers,
      boolean tie,
      boolean feed,
      float dropout) {
    Backend gpu = CudaTestSupport.cuda();
    Backend cpu = TestBackends.cpu();
    int encHid = att == AttentionType.DOT ? 24 : 20;
    int hid = 24;
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            31,
            29,
            tie ? hid : 16,
            cell,
            encHid,
            encLayers,
            bi,
            hid,
            decLayers,
            att,
            dropout,
            tie,
            feed);
    Seq2SeqBatch batch = batch(29, 3);
    Trace ref = train(cpu, cfg, batch);
    Trace got = train(gpu, cfg, batch);
    List<String> names;
    try (Seq2SeqModel m = new Seq2SeqModel(cpu, cfg, 5)) {
      names = m.parameters().stream().map(Parameter::name).toList();
    }
    for (int i = 0; i < ref.losses().size(); i++) {
      Compare.close("loss " + i, ref.losses().get(i), got.losses().get(i), 1e-5, 1e-4);
    }
    for (int i = 0; i < ref.norms().size(); i++) {
      Compare.close("gradient norm " + i, ref.norms().get(i), got.norms().get(i), 1e-4, 1e-3);
    }
    for (int i = 0; i < names.size(); i++) {
      Compare.close("d " + names.get(i), ref.grads().get(i), got.grads().get(i), 1e-4, 1e-3);
      Compare.close(
          names.get(i) + " after 4 steps", ref.weights().get(i), got.weights().get(i), 1e-5, 1e-4);
    }
  }

  /** Copies every parameter of {@code from} into {@code to} (same configuration). */
  private static void copyWeights(Seq2SeqModel from, Seq2SeqModel to) {
    List<Parameter> a = from.parameters();
    List<Parameter> b = to.parameters();
    for (int i = 0; i < a.size(); i++) {
      Tensor src = a.get(i).value();
      try (Tensor up = to.backend().upload(from.backend().download(src), src.shape().dims())) {
        to.backend().copy(up, b.get(i).value());
      }
    }
  }

  @Test
  void greedyAndBeamSearchAgree() throws Exception {
    Backend gpu = CudaTestSupport.cuda();
    Backend cpu = TestBackends.cpu();
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            31, 29, 16, CellType.LSTM, 20, 2, true, 24, 2, AttentionType.GENERAL, 0f, false, true);
    Seq2SeqBatch batch = batch(29, 8);
    List<int[]> sources = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      int len = batch.srcLengths()[i];
      int[] s = new int[len];
      System.arraycopy(batch.src(), i * batch.srcLen(), s, 0, len);
      sources.add(s);
    }
    try (Seq2SeqModel ref = new Seq2SeqModel(cpu, cfg, 9);
        Seq2SeqModel got = new Seq2SeqModel(gpu, cfg, 1);
        Optimizer opt = new Sgd(0.5f, 0.9f)) {
      // Trained on the CPU until the batch is learnt, so decoding has clear winners.
      for (int step = 0; step < 150; step++) {
        ref.zeroGrad();
        ref.trainStep(batch, 0f, 1f / batch.targetTokens());
        GradientClipping.clipGlobalNorm(ref.parameters(), 5.0);
        opt.step(ref.parameters());
      }
      copyWeights(ref, got);
      Compare.close(
          "dev loss", ref.evaluate(batch, 0f).sum(), got.evaluate(batch, 0f).sum(), 1e-5, 1e-4);
      for (DecodeOptions d : List.of(DecodeOptions.greedy(), DecodeOptions.beam(4).withNBest(3))) {
        List<List<Hypothesis>> a = new Translator(ref).translate(sources, d);
        List<List<Hypothesis>> b = new Translator(got).translate(sources, d);
        for (int i = 0; i < a.size(); i++) {
          assertEquals(a.get(i).size(), b.get(i).size(), "n-best size, input " + i + " " + d);
          for (int k = 0; k < a.get(i).size(); k++) {
            String what = "input " + i + " hypothesis " + k + " " + d;
            if (k == 0) { // lower n-best entries may swap places on near-ties; scores still agree
              assertArrayEquals(a.get(i).get(k).tokens(), b.get(i).get(k).tokens(), what);
            }
            Compare.close(
                what + " score", a.get(i).get(k).score(), b.get(i).get(k).score(), 1e-4, 1e-4);
          }
        }
      }
      // One CUDA model decoding from four threads at once gives what one thread gives.
      List<List<Hypothesis>> single = new Translator(got).translate(sources, DecodeOptions.beam(4));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> futures = new ArrayList<>();
        for (int k = 0; k < 32; k++) {
          int i = k % sources.size();
          futures.add(
              pool.submit(
                  () -> new Translator(got).translate(sources.get(i), DecodeOptions.beam(4))));
        }
        for (int k = 0; k < futures.size(); k++) {
          assertArrayEquals(
              single.get(k % sources.size()).get(0).tokens(),
              futures.get(k).get(),
              "concurrent decode " + k);
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
