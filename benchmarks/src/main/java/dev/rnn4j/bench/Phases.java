package dev.rnn4j.bench;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.nn.Gru;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where an rnn4j training step spends its time: replays the primitive calls one layer makes (input
 * projection, per-step recurrent GEMM and cell, backward cells and GEMMs, weight gradients, buffer
 * allocation) through the public {@link Backend} API with the same shapes and strided views, times
 * each phase over all T steps, and sets them against the whole layer's forward + backward. A
 * profiling aid, not a JMH benchmark: 3 warm-up rounds, then 16 timed rounds that run every phase
 * once (System.nanoTime); prints each phase's best and median round. The best is the number to read
 * on shared cores, where other processes only ever add time.
 *
 * <p>Usage: {@code OMP_NUM_THREADS=2 java -Drnn4j.threads=2 -cp benchmarks.jar
 * dev.rnn4j.bench.Phases [K2 K3 K4]}.
 */
public final class Phases {
  private static final int WARMUP = 3;
  private static final int REPS = 16;

  private record Phase(String name, double flops, Runnable body) {}

  /** Best and median ms of one phase. */
  private record Timed(Phase phase, double best, double median) {}

  private Phases() {}

  public static void main(String[] args) {
    Threads.warnIfOmpUnset("rnn4j");
    List<Workload> ws = new ArrayList<>();
    for (String a : args.length == 0 ? new String[] {"K2", "K3", "K4"} : args) {
      Workload w = Workload.valueOf(a);
      if (!w.training) {
        throw new IllegalArgumentException(a + " is not a training workload; use K2, K3 or K4");
      }
      ws.add(w);
    }
    try (Backend be = Backends.create("cpu")) {
      for (Workload w : ws) {
        System.out.print(profile(be, w));
      }
    }
  }

  static String profile(Backend be, Workload w) {
    boolean lstm = w.kind == Workload.Kind.LSTM;
    int bs = w.batch;
    int steps = w.steps;
    int in = w.inputSize;
    int hid = w.hiddenSize;
    int g = w.kind.gates * hid;
    int rows = bs * steps;
    SplittableRandom rng = new SplittableRandom(3);
    List<Tensor> all = new ArrayList<>();
    List<Phase> phases = new ArrayList<>();
    List<Phase> wholes = new ArrayList<>();
    try (RecurrentLayer layer = lstm ? new Lstm(be, in, hid, 1) : new Gru(be, in, hid, 1)) {
      Tensor wIh = layer.parameters().get(0).value();
      Tensor wHh = layer.parameters().get(1).value();
      Tensor bHh = layer.parameters().get(3).value();
      Tensor dWih = layer.parameters().get(0).grad();
      Tensor dWhh = layer.parameters().get(1).grad();
      Tensor dBih = layer.parameters().get(2).grad();
      Tensor dBhh = layer.parameters().get(3).grad();
      Tensor x = keep(all, be.upload(Rnn4jBench.uniform(rng, rows * in), bs, steps, in));
      Tensor h0 = keep(all, be.upload(Rnn4jBench.uniform(rng, bs * hid), 1, bs, hid));
      Tensor c0 = lstm ? keep(all, be.upload(Rnn4jBench.uniform(rng, bs * hid), 1, bs, hid)) : null;
      Tensor dOut = keep(all, be.upload(Rnn4jBench.uniform(rng, rows * hid), bs, steps, hid));
      Tensor proj = keep(all, be.upload(Rnn4jBench.uniform(rng, rows * g), bs, steps, g));
      Tensor saved =
          keep(all, be.upload(Rnn4jBench.uniform(rng, rows * 4 * hid), bs, steps, 4 * hid));
      Tensor y = keep(all, be.upload(Rnn4jBench.uniform(rng, rows * hid), bs, steps, hid));
      Tensor cells = keep(all, be.upload(Rnn4jBench.uniform(rng, rows * hid), bs, steps, hid));
      Tensor dGates = keep(all, be.zeros(bs, steps, g));
      Tensor dhGates = keep(all, be.zeros(bs, steps, g));
      Tensor hGates = keep(all, be.zeros(bs, g));
      Tensor dc = keep(all, be.upload(Rnn4jBench.uniform(rng, bs * hid), bs, hid));
      Tensor hPrevAll = keep(all, be.zeros(bs, steps, hid));
      Tensor dx = keep(all, be.zeros(bs, steps, in));
      Mat whh = Mat.of(wHh);
      double fwdFlops = w.flops() / 3;

      phases.add(
          new Phase(
              "fwd: input projection GEMM (B·T, I)·W_ihᵀ + bias",
              2.0 * rows * in * g,
              () -> {
                be.gemm(Mat.of(x).rows(0, rows), false, Mat.of(wIh), true, Mat.of(proj), 1f, 0f);
                be.addRowVector(Mat.of(proj), layer.parameters().get(2).value());
              }));
      phases.add(
          new Phase(
              "fwd: recurrent GEMM (B, H)·W_hhᵀ, × T",
              2.0 * rows * hid * g,
              () -> {
                for (int t = 0; t < steps; t++) {
                  Mat hPrev = t == 0 ? Mat.of(h0) : Mat.step(y, t - 1);
                  if (lstm) {
                    be.gemm(hPrev, false, whh, true, Mat.step(proj, t), 1f, 1f);
                  } else {
                    be.gemm(hPrev, false, whh, true, Mat.of(hGates), 1f, 0f);
                  }
                }
              }));
      phases.add(
          new Phase(
              "fwd: cell, × T",
              0,
              () -> {
                for (int t = 0; t < steps; t++) {
                  if (lstm) {
                    Mat cPrev = t == 0 ? Mat.of(c0) : Mat.step(cells, t - 1);
                    be.lstmCellForward(
                        Mat.step(saved, t),
                        bHh,
                        cPrev,
                        Mat.step(cells, t),
                        Mat.step(y, t),
                        null,
                        t);
                  } else {
                    Mat hPrev = t == 0 ? Mat.of(h0) : Mat.step(y, t - 1);
                    be.gruCellForward(
                        Mat.step(proj, t),
                        Mat.of(hGates),
                        bHh,
                        hPrev,
                        Mat.step(y, t),
                        Mat.step(saved, t),
                        null,
                        t);
                  }
                }
              }));
      phases.add(
          new Phase(
              "bwd: cell, × T",
              0,
              () -> {
                for (int t = steps - 1; t >= 0; t--) {
                  if (lstm) {
                    Mat cPrev = t == 0 ? Mat.of(c0) : Mat.step(cells, t - 1);
                    be.lstmCellBackward(
                        Mat.step(saved, t),
                        Mat.step(cells, t),
                        cPrev,
                        Mat.step(dOut, t),
                        dc,
                        Mat.step(dGates, t),
                        null,
                        t);
                  } else {
                    Mat hPrev = t == 0 ? Mat.of(h0) : Mat.step(y, t - 1);
                    be.gruCellBackward(
                        Mat.step(saved, t),
                        hPrev,
                        Mat.step(dOut, t),
                        Mat.step(dGates, t),
                        Mat.step(dhGates, t),
                        Mat.step(hPrevAll, t),
                        null,
                        t);
                  }
                }
              }));
      Tensor dRec = lstm ? dGates : dhGates;
      phases.add(
          new Phase(
              "bwd: recurrent GEMM dG·W_hh, × T",
              2.0 * rows * hid * g,
              () -> {
                for (int t = steps - 1; t >= 0; t--) {
                  be.gemm(Mat.step(dRec, t), false, whh, false, Mat.step(hPrevAll, t), 1f, 1f);
                }
              }));
      phases.add(
          new Phase(
              "bwd: weight grads dGᵀ·X, dGᵀ·H_prev + bias sums",
              2.0 * rows * g * (in + hid),
              () -> {
                be.gemm(Mat.of(dGates), true, Mat.of(x).rows(0, rows), false, Mat.of(dWih), 1f, 1f);
                be.gemm(Mat.of(dRec), true, Mat.of(hPrevAll), false, Mat.of(dWhh), 1f, 1f);
                be.sumRows(Mat.of(dGates), dBih, 1f);
                be.sumRows(Mat.of(dRec), dBhh, 1f);
              }));
      phases.add(
          new Phase(
              "bwd: input grad dG·W_ih",
              2.0 * rows * g * in,
              () -> be.gemm(Mat.of(dGates), false, Mat.of(wIh), false, Mat.of(dx), 1f, 0f)));
      phases.add(
          new Phase(
              "alloc+zero of the (B, T, ·) buffers",
              0,
              () -> {
                List<Tensor> bufs = new ArrayList<>();
                bufs.add(be.zeros(bs, steps, g)); // proj
                bufs.add(be.zeros(bs, steps, lstm ? hid : 4 * hid)); // cells or saved
                bufs.add(be.zeros(bs, steps, hid)); // y
                bufs.add(be.zeros(bs, steps, g)); // dxGates
                if (!lstm) {
                  bufs.add(be.zeros(bs, steps, g)); // dhGates
                }
                bufs.add(be.zeros(bs, steps, hid)); // hPrevAll
                bufs.add(be.zeros(bs, steps, hid)); // dy
                bufs.add(be.zeros(bs, steps, in)); // dInput
                bufs.forEach(Tensor::close);
              }));
      wholes.add(
          new Phase(
              "whole layer: forward(training) + backward",
              w.flops(),
              () -> {
                try (RecurrentOutput out = layer.forward(x, null, h0, c0, true);
                    RecurrentGradients gr = layer.backward(out, dOut, null, null)) {
                  gr.input().numel();
                }
              }));
      wholes.add(
          new Phase(
              "whole layer: forward(training) only",
              fwdFlops,
              () -> layer.forward(x, null, h0, c0, true).close()));
      List<Phase> everything = new ArrayList<>(phases);
      everything.addAll(wholes);
      List<Timed> timed = timeInterleaved(everything);
      layer.parameters().forEach(Parameter::zeroGrad);
      return format(
          w,
          timed.subList(0, phases.size()),
          timed.get(phases.size()),
          timed.get(phases.size() + 1));
    } finally {
      all.forEach(Tensor::close);
    }
  }

  private static String format(Workload w, List<Timed> phases, Timed whole, Timed fwdOnly) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n### %s: %s%n%n", w, w.describe()));
    sb.append(
        "| phase | best ms | median ms | best, % of whole | GFLOP/s (best) |\n"
            + "|---|---|---|---|---|\n");
    double sum = 0;
    for (Timed p : phases) {
      sum += p.best;
      sb.append(row(p, whole.best));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "| sum of the phases above | %.2f | | %.0f %% | |%n",
            sum,
            100 * sum / whole.best));
    sb.append(row(whole, whole.best));
    sb.append(row(fwdOnly, whole.best));
    return sb.toString();
  }

  private static String row(Timed p, double wholeMs) {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %.2f | %.0f %% | %s |%n",
        p.phase.name,
        p.best,
        p.median,
        100 * p.best / wholeMs,
        p.phase.flops > 0
            ? String.format(Locale.ROOT, "%.1f", p.phase.flops / (p.best * 1e6))
            : "");
  }

  /**
   * Runs every phase once per round, {@link #WARMUP} rounds untimed then {@link #REPS} timed, so a
   * burst of load from other processes hits all phases alike; the best time is the least disturbed.
   */
  private static List<Timed> timeInterleaved(List<Phase> phases) {
    for (int i = 0; i < WARMUP; i++) {
      phases.forEach(p -> p.body.run());
    }
    double[][] ms = new double[phases.size()][REPS];
    for (int r = 0; r < REPS; r++) {
      for (int k = 0; k < phases.size(); k++) {
        long t0 = System.nanoTime();
        phases.get(k).body.run();
        ms[k][r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    List<Timed> out = new ArrayList<>();
    for (int k = 0; k < phases.size(); k++) {
      double[] v = ms[k];
      Arrays.sort(v);
      out.add(new Timed(phases.get(k), v[0], (v[REPS / 2 - 1] + v[REPS / 2]) / 2));
    }
    return out;
  }

  private static Tensor keep(List<Tensor> all, Tensor t) {
    all.add(t);
    return t;
  }
}
