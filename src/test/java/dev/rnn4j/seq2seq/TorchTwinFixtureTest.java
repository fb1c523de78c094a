package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agreement with the PyTorch twin of the whole model ({@code scripts/rnn4j_torch.py}): {@code
 * src/test/resources/torch-twin/model} is a tiny rnn4j model (bidirectional LSTM encoder, LSTM
 * decoder with general attention and input feeding, one layer each) and {@code expected.tsv} what
 * the twin decoded with it ({@code scripts/make_torch_twin_fixture.py}): per source the greedy
 * output, its log-probability, the log-probability of each output token and of the final EOS, and
 * the beam-5 output with its score. The fixture covers empty outputs, an unknown source token and
 * an output ended at the length limit.
 *
 * <p>Tolerance |ours - twin| <= 1e-5 + 1e-4·|twin|: both sides run in float32 but sum in another
 * order (oneDNN or Java loops against PyTorch's GEMMs and log-softmax), a few ulp (1e-7 relative)
 * per operation over at most 13 decoder steps; totals add up to 13 such terms in float64. A wrong
 * gate, bridge or attention term moves the log-probabilities by 1e-2 or more. Measured (CPU
 * backend): max |diff| 2.4e-7 over the per-token log-probabilities (|ref| about 2.5), 0.1% of the
 * bound; an expected value moved by 1e-3 fails.
 */
class TorchTwinFixtureTest {
  private static final double ATOL = 1e-5;
  private static final double RTOL = 1e-4;

  private record Case(
      int[] src, int[] greedy, double greedyLogProb, double[] perToken, int[] beam, double score) {}

  private static Path fixtureDir() throws URISyntaxException {
    URL url = TorchTwinFixtureTest.class.getClassLoader().getResource("torch-twin");
    assertNotNull(
        url,
        "no torch-twin fixture; run /usr/bin/python3 scripts/make_torch_twin_fixture.py MODEL_DIR");
    return Path.of(url.toURI());
  }

  private static int[] ints(String s) {
    return s.isBlank()
        ? new int[0]
        : Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
  }

  private static List<Case> cases() throws IOException, URISyntaxException {
    List<Case> out = new ArrayList<>();
    for (String line :
        Files.readAllLines(fixtureDir().resolve("expected.tsv"), StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(6, f.length, "fields in expected.tsv line: " + line);
      double[] per =
          Arrays.stream(f[3].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
      out.add(
          new Case(
              ints(f[0]),
              ints(f[1]),
              Double.parseDouble(f[2]),
              per,
              ints(f[4]),
              Double.parseDouble(f[5])));
    }
    assertTrue(out.size() >= 5, "expected.tsv holds " + out.size() + " cases");
    return out;
  }

  private static void close(String what, double ours, double twin) {
    double bound = ATOL + RTOL * Math.abs(twin);
    assertTrue(
        Math.abs(ours - twin) <= bound,
        what
            + ": rnn4j "
            + ours
            + ", twin "
            + twin
            + ", |diff| "
            + Math.abs(ours - twin)
            + " > "
            + bound);
  }

  @Test
  void decodingsAndLogProbabilitiesMatchTheTwin() throws Exception {
    List<Case> cases = cases();
    try (ModelDirectory.Loaded m =
        ModelDirectory.load(fixtureDir().resolve("model"), TestBackends.cpu())) {
      Translator tr = new Translator(m.model());
      List<int[]> sources = cases.stream().map(Case::src).toList();
      List<List<Hypothesis>> greedy =
          tr.translate(sources, new DecodeOptions(1, 0f, 2f, 10, 1, false, 64));
      List<List<Hypothesis>> beam = tr.translate(sources, DecodeOptions.beam(5));
      double maxDiff = 0;
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        String at = "source " + i + " " + Arrays.toString(c.src());
        Hypothesis g = greedy.get(i).get(0);
        assertArrayEquals(c.greedy(), g.tokens(), at + ": greedy output");
        close(at + ": greedy log-probability", g.logProb(), c.greedyLogProb());
        double[] ours = forcedLogProbs(m.model(), c.src(), c.greedy());
        assertEquals(c.perToken().length, ours.length, at + ": tokens incl. EOS");
        for (int t = 0; t < ours.length; t++) {
          close(at + ": log p of output token " + t, ours[t], c.perToken()[t]);
          maxDiff = Math.max(maxDiff, Math.abs(ours[t] - c.perToken()[t]));
        }
        Hypothesis b = beam.get(i).get(0);
        assertArrayEquals(c.beam(), b.tokens(), at + ": beam-5 output");
        close(at + ": beam-5 score", b.score(), c.score());
      }
      System.out.printf("torch twin: max |diff| of per-token log-probabilities %.3g%n", maxDiff);
    }
  }

  /** log p(y_t | y_<t, x) for y = out followed by EOS, one decoder step at a time. */
  private static double[] forcedLogProbs(Seq2SeqModel model, int[] src, int[] out) {
    int v = model.config().tgtVocab();
    Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
    double[] lp = new double[out.length + 1];
    try (Seq2SeqModel.Encoded enc =
        model.encode(src, new int[] {src.length}, 1, src.length, init)) {
      Seq2SeqModel.State state = init[0];
      int prev = Seq2SeqModel.BOS;
      float[] logp = new float[v];
      for (int t = 0; t <= out.length; t++) {
        Seq2SeqModel.State next =
            model.decodeStep(enc, new int[] {0}, new int[] {prev}, state, logp, null);
        state.close();
        state = next;
        int y = t < out.length ? out[t] : Seq2SeqModel.EOS;
        lp[t] = logp[y];
        prev = y;
      }
      state.close();
    }
    return lp;
  }
}
