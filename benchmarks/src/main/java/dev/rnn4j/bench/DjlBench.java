package dev.rnn4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
 * The same {@link Workload}s on libtorch 2.7.1 through DJL's PyTorch engine, offline. Recurrent
 * workloads call {@code NDArrayEx.lstm} / {@code gru}, which DJL maps straight onto libtorch's
 * fused {@code torch::lstm} / {@code torch::gru} (the ops behind DJL's {@code
 * ai.djl.nn.recurrent.LSTM} and {@code GRU} blocks, without the block's parameter plumbing);
 * gradients come from a {@link GradientCollector} on {@code sum(output ⊙ dOutput)}, so libtorch's
 * backward starts from the same dOutput as rnn4j's. G1 is {@code NDArray.matMul}.
 *
 * <p>libtorch runs with 2 intra-op and 2 inter-op threads (system properties below) and
 * OMP_NUM_THREADS from the environment. This class never touches rnn4j, so its fork loads only
 * libtorch's OpenMP runtime.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx4g",
      "-Dai.djl.offline=true",
      "-Dai.djl.pytorch.num_threads=2",
      "-Dai.djl.pytorch.num_interop_threads=2",
      "-Dai.djl.pytorch.graph_optimizer=false"
    })
@State(Scope.Benchmark)
public class DjlBench {
  @Param({"K1", "K2", "K3", "K4", "G1"})
  public String workload;

  private Workload w;
  private Engine engine;
  private NDManager manager;
  private NDArray x;
  private NDArray h0;
  private NDArray c0;
  private NDArray dOutput;
  private NDList params;
  private NDArray a;
  private NDArray b;

  @Setup(Level.Trial)
  public void setup() {
    w = Workload.valueOf(workload);
    Threads.warnIfOmpUnset("libtorch");
    engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(42);
    manager = engine.newBaseManager();
    if (w.kind == Workload.Kind.GEMM) {
      a = manager.randomUniform(-1f, 1f, new Shape(w.inputSize, w.hiddenSize));
      b = manager.randomUniform(-1f, 1f, new Shape(w.hiddenSize, w.batch));
    } else {
      int in = w.inputSize;
      int hid = w.hiddenSize;
      int g = w.kind.gates * hid;
      float bound = (float) (1.0 / Math.sqrt(hid));
      x = manager.randomUniform(-1f, 1f, new Shape(w.batch, w.steps, in));
      h0 = manager.randomUniform(-1f, 1f, new Shape(1, w.batch, hid));
      c0 = manager.randomUniform(-1f, 1f, new Shape(1, w.batch, hid));
      dOutput = manager.randomUniform(-1f, 1f, new Shape(w.batch, w.steps, hid));
      // PyTorch's order and layout: weight_ih (G·H, I), weight_hh (G·H, H), bias_ih, bias_hh (G·H).
      params =
          new NDList(
              manager.randomUniform(-bound, bound, new Shape(g, in)),
              manager.randomUniform(-bound, bound, new Shape(g, hid)),
              manager.randomUniform(-bound, bound, new Shape(g)),
              manager.randomUniform(-bound, bound, new Shape(g)));
      if (w.training) {
        x.setRequiresGradient(true);
        h0.setRequiresGradient(true);
        c0.setRequiresGradient(true);
        for (NDArray p : params) {
          p.setRequiresGradient(true);
        }
      }
    }
    System.err.printf(
        "libtorch %s: %s, %s %s, OMP_NUM_THREADS=%s%n",
        w,
        w.describe(),
        engine.getEngineName(),
        engine.getVersion(),
        System.getenv("OMP_NUM_THREADS"));
  }

  @Benchmark
  public void run(Blackhole bh) {
    switch (w.kind) {
      case GEMM -> {
        try (NDArray c = a.matMul(b)) {
          bh.consume(c);
        }
      }
      case LSTM, GRU -> {
        if (!w.training) {
          try (NDList out = rnn(false)) {
            bh.consume(out);
          }
        } else {
          try (GradientCollector gc = engine.newGradientCollector();
              NDList out = rnn(true);
              NDArray weighted = out.get(0).mul(dOutput);
              NDArray loss = weighted.sum()) {
            gc.backward(loss);
            bh.consume(loss);
          }
        }
      }
    }
  }

  /** One fused libtorch call: returns (output (B, T, H), hN[, cN]). */
  private NDList rnn(boolean training) {
    if (w.kind == Workload.Kind.LSTM) {
      return x.getNDArrayInternal()
          .lstm(x, new NDList(h0, c0), params, true, 1, 0.0, training, false, true);
    }
    return x.getNDArrayInternal().gru(x, h0, params, true, 1, 0.0, training, false, true);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }
}
