package dev.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of every gradient a recurrent stack returns: input, h0, c0 and sampled
 * entries of every parameter, for each cell type and option. The loss is L = Σ wOut ⊙ output + Σ wH
 * ⊙ hN (+ Σ wC ⊙ cN) with fixed random weights, evaluated in double from float32 forwards.
 *
 * <p>relu is not differentiable at 0: for RNN_RELU a sample whose second difference |L(+h) - 2L(0)
 * + L(-h)| exceeds 1e-5 straddles a kink and is skipped (a relu RNN is piecewise linear, so
 * elsewhere it is float noise, about 1e-6); at least a third of the samples of each tensor must
 * remain, and the step is 1e-3 to cross fewer kinks.
 *
 * <p>Tolerance |analytic - numeric| <= 2e-3 + 2e-2·|numeric|: central differences with step 1e-2 in
 * float32 carry a rounding error of about 1e-7·|L|/1e-2 ≈ 1e-4 and a truncation error of O(1e-4); a
 * wrong term in a backward pass gives errors of the size of the gradient itself (0.05–1 here), far
 * above the bound.
 */
class RecurrentGradCheckTest {
  private static final float STEP = 1e-2f;
  private static final double ATOL = 2e-3;
  private static final double RTOL = 2e-2;

  static Stream<Arguments> configs() {
    List<Arguments> a = new ArrayList<>();
    for (CellType c : CellType.values()) {
      a.add(Arguments.of(c, 1, false, false, false, 0f));
      a.add(Arguments.of(c, 1, false, true, true, 0f));
      a.add(Arguments.of(c, 1, true, true, false, 0f));
      a.add(Arguments.of(c, 2, true, true, true, 0f));
      a.add(Arguments.of(c, 2, false, true, true, 0.3f));
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} layers={1} bi={2} lengths={3} states={4} dropout={5}")
  @MethodSource("configs")
  void gradientsMatchFiniteDifferences(
      CellType cell, int layers, boolean bi, boolean withLengths, boolean withStates, float drop) {
    Backend be = TestBackends.cpu();
    int batch = 3;
    int steps = 5;
    int in = 4;
    int hid = 3;
    RecurrentConfig cfg = new RecurrentConfig(cell, in, hid, layers, bi, drop);
    int states = layers * cfg.directions();
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 7);
        Tensor x = be.upload(Rand.uniform(1, batch * steps * in, 1f), batch, steps, in);
        Tensor h0 = be.upload(Rand.uniform(2, states * batch * hid, 0.5f), states, batch, hid);
        Tensor c0 = be.upload(Rand.uniform(3, states * batch * hid, 0.5f), states, batch, hid);
        Tensor wOut =
            be.upload(
                Rand.uniform(4, batch * steps * cfg.outputSize(), 1f),
                batch,
                steps,
                cfg.outputSize());
        Tensor wH = be.upload(Rand.uniform(5, states * batch * hid, 1f), states, batch, hid);
        Tensor wC = be.upload(Rand.uniform(6, states * batch * hid, 1f), states, batch, hid)) {
      int[] lengths = withLengths ? new int[] {5, 2, 4} : null;
      Tensor h0u = withStates ? h0 : null;
      Tensor c0u = withStates && cell.hasCellState() ? c0 : null;
      Tensor wCu = cell.hasCellState() ? wC : null;
      long[] dropState = layer.dropoutState();
      boolean kinks = cell == CellType.RNN_RELU;
      Loss loss =
          () -> {
            layer.setDropoutState(dropState[0], dropState[1]);
            try (RecurrentOutput o = layer.forward(x, lengths, h0u, c0u, true)) {
              double l = dot(be, o.output(), wOut) + dot(be, o.hN(), wH);
              if (wCu != null) {
                l += dot(be, o.cN(), wCu);
              }
              return l;
            }
          };
      layer.zeroGrad();
      layer.setDropoutState(dropState[0], dropState[1]);
      try (RecurrentOutput o = layer.forward(x, lengths, h0u, c0u, true);
          RecurrentGradients g = layer.backward(o, wOut, wH, wCu)) {
        check(kinks, "input", be, x, be.download(g.input()), loss, 12, 11);
        if (withStates) {
          check(kinks, "h0", be, h0, be.download(g.h0()), loss, 8, 12);
          if (c0u != null) {
            check(kinks, "c0", be, c0, be.download(g.c0()), loss, 8, 13);
          }
        }
        for (Parameter p : layer.parameters()) {
          check(
              kinks, p.name(), be, p.value(), be.download(p.grad()), loss, 6, p.name().hashCode());
        }
        if (withLengths) {
          float[] dIn = be.download(g.input());
          for (int b = 0; b < batch; b++) {
            for (int t = lengths[b]; t < steps; t++) {
              for (int f = 0; f < in; f++) {
                float v = dIn[(b * steps + t) * in + f];
                assertTrue(v == 0f, "input gradient at padding b=" + b + " t=" + t + " is " + v);
              }
            }
          }
        }
      }
    }
  }

  private static void set(Backend be, Tensor t, float[] v) {
    try (Tensor u = be.upload(v, t.shape().dims())) {
      be.copy(u, t);
    }
  }

  interface Loss {
    double eval();
  }

  static double dot(Backend be, Tensor a, Tensor w) {
    float[] x = be.download(a);
    float[] y = be.download(w);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (double) x[i] * y[i];
    }
    return s;
  }

  /** Compares `samples` random entries of the analytic gradient of `t` with central differences. */
  static void check(
      boolean kinks,
      String what,
      Backend be,
      Tensor t,
      float[] analytic,
      Loss loss,
      int samples,
      long seed) {
    float[] v = be.download(t);
    SplittableRandom r = new SplittableRandom(seed);
    double l0 = loss.eval();
    int checked = 0;
    int tried = 0;
    for (int s = 0; s < Math.min(samples, v.length); s++) {
      int i = samples >= v.length ? s : r.nextInt(v.length);
      float orig = v[i];
      float step = kinks ? 1e-3f : STEP;
      v[i] = orig + step;
      set(be, t, v);
      double lp = loss.eval();
      v[i] = orig - step;
      set(be, t, v);
      double lm = loss.eval();
      v[i] = orig;
      set(be, t, v);
      tried++;
      if (kinks && Math.abs(lp - 2 * l0 + lm) > 1e-5) {
        continue;
      }
      checked++;
      double numeric = (lp - lm) / (2 * step);
      double err = Math.abs(analytic[i] - numeric);
      assertTrue(
          err <= ATOL + RTOL * Math.abs(numeric),
          what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric + ", diff " + err);
    }
    assertTrue(
        3 * checked >= tried,
        what + ": only " + checked + " of " + tried + " samples away from relu kinks");
  }
}
