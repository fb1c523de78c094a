package dev.rnn4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.nn.Gru;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checks that {@link Rnn4jBench} and {@link DjlBench} time the same math: runs one small LSTM and
 * one small GRU training step on both with identical weights, inputs and dOutput, and compares the
 * output and every gradient the benchmarks compute (input, h0, c0, the four parameters).
 *
 * <p>Tolerance: |a - b| <= 1e-5 + 1e-4·|b|, float32 sums over at most I + H = 14 terms per step and
 * T = 5 steps, so both libraries round far below it; a wrong gate order or a missing gradient term
 * is off by orders of magnitude more. Exits 1 on a mismatch.
 *
 * <p>Usage: {@code java -Dai.djl.offline=true -cp benchmarks.jar dev.rnn4j.bench.CrossCheck}.
 */
public final class CrossCheck {
  private static final double ATOL = 1e-5;
  private static final double RTOL = 1e-4;
  private static final int IN = 8;
  private static final int HID = 6;
  private static final int BATCH = 3;
  private static final int STEPS = 5;

  private CrossCheck() {}

  public static void main(String[] args) {
    boolean ok = true;
    try (Backend backend = Backends.create("cpu");
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      for (Workload.Kind kind : new Workload.Kind[] {Workload.Kind.LSTM, Workload.Kind.GRU}) {
        ok &= check(kind, backend, manager);
      }
    }
    System.out.println(ok ? "cross-check passed" : "cross-check FAILED");
    if (!ok) {
      System.exit(1);
    }
  }

  private static boolean check(Workload.Kind kind, Backend backend, NDManager manager) {
    boolean lstm = kind == Workload.Kind.LSTM;
    SplittableRandom rng = new SplittableRandom(11);
    float[] x = Rnn4jBench.uniform(rng, BATCH * STEPS * IN);
    float[] h0 = Rnn4jBench.uniform(rng, BATCH * HID);
    float[] c0 = Rnn4jBench.uniform(rng, BATCH * HID);
    float[] dOut = Rnn4jBench.uniform(rng, BATCH * STEPS * HID);

    // rnn4j
    List<float[]> mine = new ArrayList<>();
    List<float[]> weights = new ArrayList<>();
    try (RecurrentLayer layer =
            lstm ? new Lstm(backend, IN, HID, 5) : new Gru(backend, IN, HID, 5);
        Tensor xt = backend.upload(x, BATCH, STEPS, IN);
        Tensor h0t = backend.upload(h0, 1, BATCH, HID);
        Tensor c0t = lstm ? backend.upload(c0, 1, BATCH, HID) : null;
        Tensor dOutT = backend.upload(dOut, BATCH, STEPS, HID);
        RecurrentOutput out = layer.forward(xt, null, h0t, c0t, true);
        RecurrentGradients g = layer.backward(out, dOutT, null, null)) {
      mine.add(backend.download(out.output()));
      mine.add(backend.download(g.input()));
      mine.add(backend.download(g.h0()));
      if (lstm) {
        mine.add(backend.download(g.c0()));
      }
      for (Parameter p : layer.parameters()) {
        weights.add(backend.download(p.value()));
        mine.add(backend.download(p.grad()));
      }
      if (c0t != null) {
        c0t.close();
      }
    }

    // libtorch through DJL, exactly as DjlBench calls it
    List<float[]> theirs = new ArrayList<>();
    int g = kind.gates * HID;
    try (NDManager m = manager.newSubManager()) {
      NDArray xa = m.create(x, new Shape(BATCH, STEPS, IN));
      NDArray h0a = m.create(h0, new Shape(1, BATCH, HID));
      NDArray c0a = m.create(c0, new Shape(1, BATCH, HID));
      NDArray dOutA = m.create(dOut, new Shape(BATCH, STEPS, HID));
      Shape[] shapes = {new Shape(g, IN), new Shape(g, HID), new Shape(g), new Shape(g)};
      NDList params = new NDList();
      for (int k = 0; k < 4; k++) {
        params.add(m.create(weights.get(k), shapes[k]));
      }
      List<NDArray> leaves = new ArrayList<>(List.of(xa, h0a));
      if (lstm) {
        leaves.add(c0a);
      }
      leaves.addAll(params);
      leaves.forEach(a -> a.setRequiresGradient(true));
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDList out =
            lstm
                ? xa.getNDArrayInternal()
                    .lstm(xa, new NDList(h0a, c0a), params, true, 1, 0.0, true, false, true)
                : xa.getNDArrayInternal().gru(xa, h0a, params, true, 1, 0.0, true, false, true);
        gc.backward(out.get(0).mul(dOutA).sum());
        theirs.add(out.get(0).toFloatArray());
      }
      for (NDArray leaf : leaves) {
        theirs.add(leaf.getGradient().toFloatArray());
      }
    }

    List<String> names = new ArrayList<>(List.of("output", "dInput", "dh0"));
    if (lstm) {
      names.add("dc0");
    }
    names.addAll(List.of("dW_ih", "dW_hh", "db_ih", "db_hh"));
    boolean ok = true;
    for (int k = 0; k < names.size(); k++) {
      ok &= compare(kind + " " + names.get(k), mine.get(k), theirs.get(k));
    }
    return ok;
  }

  private static boolean compare(String what, float[] mine, float[] ref) {
    if (mine.length != ref.length) {
      System.out.printf(
          "%-12s FAIL: %d elements vs libtorch's %d%n", what, mine.length, ref.length);
      return false;
    }
    double maxDiff = 0;
    int worst = -1;
    for (int i = 0; i < mine.length; i++) {
      double d = Math.abs(mine[i] - ref[i]);
      if (d > maxDiff) {
        maxDiff = d;
        worst = i;
      }
      if (d > ATOL + RTOL * Math.abs(ref[i])) {
        System.out.printf(
            Locale.ROOT,
            "%-12s FAIL at [%d]: rnn4j %.7g, libtorch %.7g (tolerance %.1e + %.1e·|ref|)%n",
            what,
            i,
            mine[i],
            ref[i],
            ATOL,
            RTOL);
        return false;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s ok, max |diff| %.2e at [%d] of %d%n",
        what,
        maxDiff,
        worst,
        mine.length);
    return true;
  }
}
