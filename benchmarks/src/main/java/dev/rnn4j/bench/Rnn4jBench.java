package dev.rnn4j.bench;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.nn.Gru;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * rnn4j on its CPU backend: one {@link Workload} per fork. The backend's Java threads come from
 * {@code -Drnn4j.threads} (2, set below), oneDNN's from the environment variable {@code
 * OMP_NUM_THREADS}, which must be set before the JVM starts (scripts/compare.sh sets 2).
 *
 * <p>Layouts: x (B, T, I), h0 and c0 (1, B, H), dOutput (B, T, H). Training ops run a training
 * forward and a full backward (gradients of x, h0, c0 and all four parameters); parameter gradients
 * accumulate across ops, as they would between two {@code zeroGrad()} calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-Drnn4j.threads=2"})
@State(Scope.Benchmark)
public class Rnn4jBench {
  @Param({"K1", "K2", "K3", "K4", "G1"})
  public String workload;

  /**
   * The CPU backend's {@code rnn4j.cpu.fusedRnn} setting: {@code auto} (the default: oneDNN's RNN
   * primitives for inference, the per-step loop for training), {@code true} (inference and
   * training) or {@code false} (rnn4j's own loop of one GEMM and one fused cell per step).
   */
  @Param({"auto"})
  public String kernels;

  /**
   * The CPU backend's {@code rnn4j.cpu.activations}: {@code fast} (the default: vectorizable
   * rational tanh and σ in the per-step cells) or {@code exact} ({@link Math#exp}-based).
   */
  @Param({"fast"})
  public String activations;

  /**
   * The CPU backend's GEMM mode ({@code rnn4j.cpu.gemm}): {@code sgemm} (the default), {@code f32}
   * or {@code bf16} (mixed precision); {@code -p gemm=sgemm,bf16} runs both side by side.
   */
  @Param({"sgemm"})
  public String gemm;

  private Workload w;
  private Backend backend;
  private RecurrentLayer layer;
  private Tensor x;
  private Tensor h0;
  private Tensor c0;
  private Tensor dOutput;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private int liveAtStart;

  @Setup(Level.Trial)
  public void setup() {
    w = Workload.valueOf(workload);
    Threads.warnIfOmpUnset("rnn4j");
    backend =
        Backends.create(
            "cpu",
            CpuOptions.fromSystemProperties()
                .withFusedRnn(CpuOptions.FusedRnn.parse(kernels))
                .withActivations(CpuOptions.Activations.parse(activations))
                .withGemm(CpuGemm.parse(gemm)),
            null);
    SplittableRandom rng = new SplittableRandom(42);
    if (w.kind == Workload.Kind.GEMM) {
      int m = w.inputSize;
      int k = w.hiddenSize;
      int n = w.batch;
      a = backend.upload(uniform(rng, m * k), m, k);
      b = backend.upload(uniform(rng, k * n), k, n);
      c = backend.zeros(m, n);
    } else {
      int in = w.inputSize;
      int hid = w.hiddenSize;
      int bs = w.batch;
      int t = w.steps;
      layer =
          w.kind == Workload.Kind.LSTM
              ? new Lstm(backend, in, hid, 7)
              : new Gru(backend, in, hid, 7);
      x = backend.upload(uniform(rng, bs * t * in), bs, t, in);
      h0 = backend.upload(uniform(rng, bs * hid), 1, bs, hid);
      c0 = w.kind == Workload.Kind.LSTM ? backend.upload(uniform(rng, bs * hid), 1, bs, hid) : null;
      dOutput = backend.upload(uniform(rng, bs * t * hid), bs, t, hid);
    }
    liveAtStart = liveTensors();
    System.err.printf(
        "rnn4j %s: %s, backend %s, %d Java threads, OMP_NUM_THREADS=%s%n",
        w,
        w.describe(),
        backend.name(),
        backend instanceof CpuBackend cpu ? cpu.threads() : -1,
        System.getenv("OMP_NUM_THREADS"));
  }

  @Benchmark
  public void run(Blackhole bh) {
    switch (w.kind) {
      case GEMM -> {
        backend.gemm(Mat.of(a), false, Mat.of(b), false, Mat.of(c), 1f, 0f);
        bh.consume(c);
      }
      case LSTM, GRU -> {
        if (!w.training) {
          try (RecurrentOutput out = layer.forward(x, null, h0, c0, false)) {
            bh.consume(out.output());
          }
        } else {
          try (RecurrentOutput out = layer.forward(x, null, h0, c0, true);
              RecurrentGradients g = layer.backward(out, dOutput, null, null)) {
            bh.consume(g.input());
          }
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    int leaked = liveTensors() - liveAtStart;
    if (leaked != 0) {
      System.err.println("rnn4j " + w + ": " + leaked + " tensors were not released");
    }
    if (layer != null) {
      layer.close();
    }
    backend.close();
  }

  private int liveTensors() {
    return backend instanceof CpuBackend cpu ? cpu.liveTensors() : 0;
  }

  /** n values from U(-1, 1). */
  static float[] uniform(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }
}
