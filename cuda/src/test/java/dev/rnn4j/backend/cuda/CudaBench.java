package dev.rnn4j.backend.cuda;

import dev.rnn4j.Rand;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.tensor.Tensor;
import dev.rnn4j.train.Adam;
import dev.rnn4j.train.GradientClipping;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * K1–K4 and S1 of benchmarks/WORKLOADS.md on the CUDA backend (run by scripts/gpu_run.sh on the GPU
 * host; not a test): warm-up of at least 2 s and 5 iterations, then the median of 30 timed
 * iterations, each ending with a synchronisation. Writes CSV rows {@code
 * id,what,min_ms,median_ms,max_ms,gflops} to the file given as the argument. The backend is {@code
 * -Drnn4j.backend} (default cuda).
 */
public final class CudaBench {
  private CudaBench() {}

  private record Workload(
      String id, String what, CellType cell, int in, int hid, int batch, int steps, boolean train) {
    double flops() {
      double fwd = 2.0 * steps * batch * (double) (in + hid) * cell.gates() * hid;
      return train ? 3 * fwd : fwd;
    }
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "rnn4j_bench.csv");
    Workload[] ws = {
      new Workload("K1", "LSTM inference", CellType.LSTM, 512, 512, 16, 25, false),
      new Workload("K2", "LSTM fwd+bwd", CellType.LSTM, 512, 512, 16, 25, true),
      new Workload("K3", "GRU fwd+bwd", CellType.GRU, 512, 512, 32, 25, true),
      new Workload("K4", "LSTM fwd+bwd large", CellType.LSTM, 1024, 1024, 64, 50, true),
    };
    try (Backend be = Backends.create(System.getProperty(Backends.PROPERTY, "cuda"));
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      String engine =
          be instanceof CudaBackend c ? c.device() + ", " + c.gemmImplementation() : be.toString();
      System.out.println("rnn4j " + be.name() + " on " + engine);
      w.println("id,what,min_ms,median_ms,max_ms,gflops,backend");
      // Rows of a TF32 run get ids like K1-tf32, to pair with torch_bench.py's TF32 rows.
      String suffix = be instanceof CudaBackend c && c.options().tf32() ? "-tf32" : "";
      for (Workload wl : ws) {
        double[] ms = run(be, wl);
        double median = median(ms);
        write(
            w,
            wl.id() + suffix,
            wl.what(),
            ms,
            String.format(Locale.ROOT, "%.1f", wl.flops() / (median * 1e6)),
            engine);
      }
      double[] ms = s1(be);
      String what =
          String.format(
              Locale.ROOT,
              "seq2seq training step (target tok/s: %.0f)",
              S1_BATCH * S1_LEN * 1000 / median(ms));
      write(w, "S1" + suffix, what, ms, "", engine);
    }
  }

  private static double median(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** One CSV row id,what,min_ms,median_ms,max_ms,gflops,backend, to stdout and the file. */
  private static void write(
      PrintWriter w, String id, String what, double[] ms, String gflops, String engine) {
    double[] s = ms.clone();
    Arrays.sort(s);
    String row =
        String.format(
            Locale.ROOT,
            "%s,%s,%.3f,%.3f,%.3f,%s,\"%s\"",
            id,
            what,
            s[0],
            s[s.length / 2],
            s[s.length - 1],
            gflops,
            engine);
    System.out.println(row);
    w.println(row);
    w.flush();
  }

  static final int S1_BATCH = 64;
  static final int S1_LEN = 30;

  /**
   * S1: one seq2seq training step (forward, backward, clipping at 5, Adam) of the model of
   * benchmarks' Seq2SeqBench and scripts/bench_s1_pytorch.py; 64 · 30 target tokens per step.
   */
  private static double[] s1(Backend be) {
    int vocab = 8000;
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            vocab,
            vocab,
            256,
            CellType.LSTM,
            512,
            1,
            false,
            512,
            1,
            AttentionType.GENERAL,
            0f,
            false);
    SplittableRandom r = new SplittableRandom(3);
    int[][] src = new int[S1_BATCH][S1_LEN];
    int[][] tgt = new int[S1_BATCH][S1_LEN - 1];
    for (int b = 0; b < S1_BATCH; b++) {
      for (int t = 0; t < S1_LEN; t++) {
        src[b][t] = 4 + r.nextInt(vocab - 4);
      }
      for (int t = 0; t < S1_LEN - 1; t++) {
        tgt[b][t] = 4 + r.nextInt(vocab - 4);
      }
    }
    Seq2SeqBatch batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 1);
        Adam adam = new Adam(1e-3f)) {
      return measure(
          () -> {
            model.zeroGrad();
            model.trainStep(batch, 0f, 1f / batch.targetTokens());
            GradientClipping.clipGlobalNorm(model.parameters(), 5.0);
            adam.step(model.parameters());
            be.synchronize();
          });
    }
  }

  /**
   * Warm-up for at least {@link #WARMUP_NANOS} and 5 calls (so the JIT has compiled the launch
   * path: 5 calls alone left K1 50-75 % slower than a warm run), then {@link #ITERATIONS} timed
   * calls, in ms. torch_bench.py warms up the same way.
   */
  private static double[] measure(Runnable step) {
    long start = System.nanoTime();
    for (int n = 0; n < 5 || System.nanoTime() - start < WARMUP_NANOS; n++) {
      step.run();
    }
    double[] times = new double[ITERATIONS];
    for (int it = 0; it < times.length; it++) {
      long t0 = System.nanoTime();
      step.run();
      times[it] = (System.nanoTime() - t0) / 1e6;
    }
    return times;
  }

  static final long WARMUP_NANOS = 2_000_000_000L;
  static final int ITERATIONS = 30;

  private static double[] run(Backend be, Workload wl) {
    RecurrentConfig cfg = RecurrentConfig.of(wl.cell(), wl.in(), wl.hid());
    boolean lstm = wl.cell().hasCellState();
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 1);
        Tensor x =
            be.upload(
                Rand.uniform(1, wl.batch() * wl.steps() * wl.in(), 1f),
                wl.batch(),
                wl.steps(),
                wl.in());
        Tensor h0 =
            be.upload(Rand.uniform(2, wl.batch() * wl.hid(), 0.5f), 1, wl.batch(), wl.hid());
        Tensor c0 =
            be.upload(Rand.uniform(3, wl.batch() * wl.hid(), 0.5f), 1, wl.batch(), wl.hid());
        Tensor dy =
            be.upload(
                Rand.uniform(4, wl.batch() * wl.steps() * wl.hid(), 1f),
                wl.batch(),
                wl.steps(),
                wl.hid())) {
      return measure(
          () -> {
            if (wl.train()) {
              RecurrentOutput o = layer.forward(x, null, h0, lstm ? c0 : null, true);
              RecurrentGradients g = layer.backward(o, dy, null, null);
              be.synchronize();
              g.close();
              o.close();
            } else {
              layer.forward(x, null, h0, lstm ? c0 : null, false).close();
              be.synchronize();
            }
          });
    }
  }
}
