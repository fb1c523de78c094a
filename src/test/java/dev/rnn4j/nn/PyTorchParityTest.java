package dev.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with PyTorch: for each fixture written by {@code scripts/make_parity_fixtures.py}
 * (nn.RNN tanh/relu, nn.LSTM, nn.GRU; one layer or two bidirectional; full or packed variable
 * lengths; zero or given initial states) the layer gets PyTorch's parameters by name and must
 * reproduce the output, h_n, c_n and the gradients of the input, h0, c0 and every parameter of L =
 * Σ w_out ⊙ output + Σ w_h ⊙ h_n (+ Σ w_c ⊙ c_n).
 *
 * <p>Tolerance |ours - ref| <= 2e-6 + 2e-5·|ref|, ref in float64 on the same float32-exact inputs.
 * Our side runs in float32 (unit roundoff 6e-8) with exp-based activations accurate to a few ulp,
 * over at most 6 steps and 2 layers. Measured over all 32 fixtures (CPU backend): max |diff| 1.4e-7
 * in the forward tensors and 1.8e-6 in the gradients (|ref| up to 20), at most 13% of the bound, so
 * the bound sits about 8x above the worst error. A wrong gate order, bias, state index or length
 * handling gives errors of the size of the values themselves (1e-2 to 1); changing one bias by 0.2
 * fails with |diff| 1e-2. A relu fixture whose pre-activation fell within float32 noise of 0 would
 * fail at that kink with an error of the size of the gradient; none does, and the fix would be
 * another seed in the script.
 *
 * <p>Padding steps (t >= lengths[b]) of the output and the input gradient must be exactly 0, as in
 * PyTorch's pad_packed_sequence.
 */
class PyTorchParityTest {
  private static final double ATOL = 2e-6;
  private static final double RTOL = 2e-5;

  static Stream<String> fixtures() {
    return ParityFixture.list().stream();
  }

  @Test
  void fixturesCoverEveryCell() {
    List<String> names = ParityFixture.list();
    assertFalse(
        names.isEmpty(),
        "no parity fixtures; run /usr/bin/python3 scripts/make_parity_fixtures.py");
    Set<CellType> cells = EnumSet.noneOf(CellType.class);
    for (String n : names) {
      cells.add(ParityFixture.load(n).config().cell());
    }
    assertEquals(EnumSet.allOf(CellType.class), cells, "cell types covered by the fixtures");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesPyTorch(String file) {
    ParityFixture fx = ParityFixture.load(file);
    Backend be = TestBackends.cpu();
    RecurrentConfig cfg = fx.config();
    boolean lstm = cfg.cell().hasCellState();
    int[] lengths = fx.lengths();
    Stats stats = new Stats(file);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 1);
        Tensor x = upload(be, fx.tensor("input"));
        Tensor h0 = fx.givenStates() ? upload(be, fx.tensor("h0")) : null;
        Tensor c0 = fx.givenStates() && lstm ? upload(be, fx.tensor("c0")) : null;
        Tensor wOut = upload(be, fx.tensor("w_out"));
        Tensor wH = upload(be, fx.tensor("w_h"));
        Tensor wC = lstm ? upload(be, fx.tensor("w_c")) : null) {
      loadParameters(fx, layer);
      layer.zeroGrad();
      try (RecurrentOutput o = layer.forward(x, lengths, h0, c0, true);
          RecurrentGradients g = layer.backward(o, wOut, wH, wC)) {
        stats.check("output", be.download(o.output()), fx.tensor("output"));
        stats.check("h_n", be.download(o.hN()), fx.tensor("h_n"));
        if (lstm) {
          stats.check("c_n", be.download(o.cN()), fx.tensor("c_n"));
        }
        stats.check("grad_input", be.download(g.input()), fx.tensor("grad_input"));
        stats.check("grad_h0", be.download(g.h0()), fx.tensor("grad_h0"));
        if (lstm) {
          stats.check("grad_c0", be.download(g.c0()), fx.tensor("grad_c0"));
        }
        for (Parameter p : layer.parameters()) {
          ParityFixture.Ref ref = fx.grads.get(p.name());
          assertTrue(ref != null, file + ": no 'grad " + p.name() + "' line");
          stats.check("grad " + p.name(), be.download(p.grad()), ref);
        }
        if (lengths != null) {
          assertZeroPadding(file, "output", be.download(o.output()), lengths, cfg.outputSize());
          assertZeroPadding(file, "grad_input", be.download(g.input()), lengths, cfg.inputSize());
        }
      }
    }
    System.out.println(stats);
  }

  /** Checks names and shapes name-for-name in order, then copies PyTorch's values in. */
  private static void loadParameters(ParityFixture fx, RecurrentLayer layer) {
    List<String> ours = new ArrayList<>();
    for (Parameter p : layer.parameters()) {
      ours.add(p.name() + Arrays.toString(p.value().shape().dims()));
    }
    List<String> theirs = new ArrayList<>();
    for (Map.Entry<String, ParityFixture.Ref> e : fx.params.entrySet()) {
      theirs.add(e.getKey() + Arrays.toString(e.getValue().dims()));
    }
    assertEquals(theirs, ours, fx.file + ": parameter names and shapes, in order");
    Map<String, Parameter> named = layer.namedParameters();
    Backend be = layer.backend();
    for (Map.Entry<String, ParityFixture.Ref> e : fx.params.entrySet()) {
      try (Tensor v = upload(be, e.getValue())) {
        be.copy(v, named.get(e.getKey()).value());
      }
    }
  }

  private static Tensor upload(Backend be, ParityFixture.Ref r) {
    return be.upload(r.floats(), r.dims());
  }

  /** seq (B, T, F): every step t >= lengths[b] must be exactly 0. */
  private static void assertZeroPadding(
      String file, String what, float[] seq, int[] lengths, int features) {
    int steps = seq.length / (lengths.length * features);
    for (int b = 0; b < lengths.length; b++) {
      for (int t = lengths[b]; t < steps; t++) {
        for (int f = 0; f < features; f++) {
          float v = seq[(b * steps + t) * features + f];
          assertTrue(
              v == 0f, file + ": " + what + "[" + b + ", " + t + ", " + f + "] at padding is " + v);
        }
      }
    }
  }

  /** Compares tensors elementwise and keeps the largest errors of a fixture for the report. */
  private static final class Stats {
    private final String file;
    private double maxForward;
    private double maxGrad;
    private double maxRel; // max |diff| / |ref| over |ref| >= 1e-3
    private double maxUsed; // max |diff| / (atol + rtol |ref|)

    Stats(String file) {
      this.file = file;
    }

    void check(String what, float[] ours, ParityFixture.Ref ref) {
      double[] want = ref.values();
      assertEquals(
          want.length,
          ours.length,
          file + ": " + what + " has " + ours.length + " elements, fixture " + want.length);
      double max = 0;
      int worst = -1;
      double worstUsed = 0;
      for (int i = 0; i < want.length; i++) {
        double diff = Math.abs(ours[i] - want[i]);
        double used = diff / (ATOL + RTOL * Math.abs(want[i]));
        if (Double.isNaN(used) ? !Double.isNaN(worstUsed) : used > worstUsed) { // NaN is worst
          worstUsed = used;
          worst = i;
        }
        max = Math.max(max, diff);
        if (Math.abs(want[i]) >= 1e-3) {
          maxRel = Math.max(maxRel, diff / Math.abs(want[i]));
        }
      }
      if (what.startsWith("grad")) {
        maxGrad = Math.max(maxGrad, max);
      } else {
        maxForward = Math.max(maxForward, max);
      }
      maxUsed = Math.max(maxUsed, worstUsed);
      if (worst >= 0 && !(worstUsed <= 1)) {
        throw new AssertionError(
            String.format(
                "%s: %s%s: ours %.9g, PyTorch %.9g, |diff| %.3g > %.1g + %.1g·|ref|"
                    + " (max |diff| in this tensor %.3g)",
                file,
                what,
                Arrays.toString(unravel(worst, ref.dims())),
                ours[worst],
                want[worst],
                Math.abs(ours[worst] - want[worst]),
                ATOL,
                RTOL,
                max));
      }
    }

    private static int[] unravel(int flat, int[] dims) {
      int[] idx = new int[dims.length];
      for (int d = dims.length - 1; d >= 0; d--) {
        idx[d] = flat % dims[d];
        flat /= dims[d];
      }
      return idx;
    }

    @Override
    public String toString() {
      return String.format(
          "parity %-40s max |diff| forward %.2e, gradients %.2e; max rel %.2e; %.0f%% of tolerance",
          file, maxForward, maxGrad, maxRel, 100 * maxUsed);
    }
  }
}
