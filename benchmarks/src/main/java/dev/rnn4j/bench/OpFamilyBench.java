package dev.rnn4j.bench;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
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
 * One micro-benchmark per op family (the families of {@code cuda/<family>.cu} and of the CPU
 * backend's {@code Cpu<Family>} classes, as in llm.c's per-kernel benchmarks), each on the shapes
 * the S1 seq2seq training step of {@code WORKLOADS.md} gives it: batch B = 64, target length T = 30
 * (N = B·T = 1,920 rows), hidden H = 512, embedding E = 256, vocabulary V = 8,000. One invocation
 * runs the family's forward and backward ops once:
 *
 * <ul>
 *   <li>{@code gemm}: the decoder's recurrent GEMM, (B, H) · (4H, H)ᵀ → (B, 4H);
 *   <li>{@code lstm}: one LSTM cell step forward and backward, gates (B, 4H), c and h (B, H);
 *   <li>{@code gru}: one GRU cell step forward and backward, gates (B, 3H);
 *   <li>{@code softmax}: log-softmax of the logits (N, V), then cross-entropy forward and backward;
 *   <li>{@code embedding}: gather of N ids from (V, E), then the scatter-add of their gradients;
 *   <li>{@code elementwise}: y = αx + βy, x ⊙ y and tanh with its backward on (N, H);
 *   <li>{@code reductions}: sumRows of (N, H) and the sum of squares of the (V, H) output weight;
 *   <li>{@code dropout}: a p = 0.2 mask and its application on (N, H);
 *   <li>{@code optim}: one Adam update of the (V, H) output weight.
 * </ul>
 *
 * Run it from the JMH jar, or on two commits with {@code BENCH=OpFamilyBench
 * scripts/bench/jmh_ab.sh A B}. {@code -p backend=cuda} measures the CUDA backend where there is a
 * GPU; each invocation then ends with {@link Backend#synchronize()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-Drnn4j.threads=2"})
@State(Scope.Benchmark)
public class OpFamilyBench {
  static final int B = 64;
  static final int T = 30;
  static final int N = B * T;
  static final int H = 512;
  static final int E = 256;
  static final int V = 8000;

  @Param({
    "gemm",
    "lstm",
    "gru",
    "softmax",
    "embedding",
    "elementwise",
    "reductions",
    "dropout",
    "optim"
  })
  public String family;

  /** {@code cpu} or {@code cuda}. */
  @Param({"cpu"})
  public String backend;

  private Backend be;
  private final List<Tensor> open = new ArrayList<>();
  private final SplittableRandom rng = new SplittableRandom(42);
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private Tensor d;
  private Tensor e;
  private Tensor f;
  private Tensor g;
  private Tensor h;
  private Tensor dhPrev;
  private Tensor ids;
  private Tensor lengths;
  private long seed;

  private Tensor random(int... dims) {
    int n = 1;
    for (int k : dims) {
      n *= k;
    }
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    Tensor t = be.upload(x, dims);
    open.add(t);
    return t;
  }

  private Tensor zeros(int... dims) {
    Tensor t = be.zeros(dims);
    open.add(t);
    return t;
  }

  private Tensor ints(int n, int bound) {
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextInt(bound);
    }
    Tensor t = be.uploadInts(x, n);
    open.add(t);
    return t;
  }

  @Setup(Level.Trial)
  public void setup() {
    be = Backends.create(backend);
    switch (family) {
      case "gemm" -> {
        a = random(B, H);
        b = random(4 * H, H);
        c = zeros(B, 4 * H);
      }
      case "lstm" -> {
        a = random(B, 4 * H); // gates
        b = random(4 * H); // recurrent bias
        c = random(B, H); // c_{t-1}
        d = zeros(B, H); // c_t
        e = zeros(B, H); // h_t, then dh
        f = zeros(B, H); // dc
        g = zeros(B, 4 * H); // dGates
        int[] full = new int[B];
        java.util.Arrays.fill(full, T);
        lengths = be.uploadInts(full, B);
        open.add(lengths);
      }
      case "gru" -> {
        a = random(B, 3 * H); // input gates
        b = random(B, 3 * H); // hidden gates
        c = random(3 * H); // bias
        d = random(B, H); // h_{t-1}
        e = zeros(B, H); // h_t, then dh
        f = zeros(B, 4 * H); // saved
        g = zeros(B, 3 * H); // dGates of the input projection
        h = zeros(B, 3 * H); // dGates of the recurrent projection
        dhPrev = zeros(B, H);
        int[] full = new int[B];
        java.util.Arrays.fill(full, T);
        lengths = be.uploadInts(full, B);
        open.add(lengths);
      }
      case "softmax" -> {
        a = random(N, V);
        b = zeros(N, V);
        c = zeros(N);
        ids = ints(N, V);
      }
      case "embedding" -> {
        a = random(V, E);
        b = zeros(N, E);
        c = zeros(V, E);
        ids = ints(N, V);
      }
      case "elementwise", "reductions", "dropout" -> {
        a = random(N, H);
        b = random(N, H);
        c = zeros(N, H);
        d = zeros(H);
        e = random(V, H);
      }
      case "optim" -> {
        a = random(V, H); // w
        b = random(V, H); // g
        c = zeros(V, H); // m
        d = zeros(V, H); // v
      }
      default ->
          throw new IllegalArgumentException(
              "unknown family '" + family + "'; see OpFamilyBench's javadoc for the families");
    }
  }

  @Benchmark
  public void run(Blackhole bh) {
    switch (family) {
      case "gemm" -> be.gemm(Mat.of(a), false, Mat.of(b), true, Mat.of(c), 1f, 0f);
      case "lstm" -> {
        be.lstmCellForward(Mat.of(a), b, Mat.of(c), Mat.of(d), Mat.of(e), lengths, 0);
        be.lstmCellBackward(Mat.of(a), Mat.of(d), Mat.of(c), Mat.of(e), f, Mat.of(g), lengths, 0);
      }
      case "gru" -> {
        be.gruCellForward(Mat.of(a), Mat.of(b), c, Mat.of(d), Mat.of(e), Mat.of(f), lengths, 0);
        be.gruCellBackward(
            Mat.of(f), Mat.of(d), Mat.of(e), Mat.of(g), Mat.of(h), Mat.of(dhPrev), lengths, 0);
      }
      case "softmax" -> {
        be.logSoftmax(a, b);
        bh.consume(be.crossEntropyForward(a, ids, -1, 0.1f, b, c));
        be.crossEntropyBackward(b, ids, -1, 0.1f, 1f / N, b);
      }
      case "embedding" -> {
        be.embeddingGather(a, ids, b);
        be.embeddingScatterAdd(b, ids, 0, c);
      }
      case "elementwise" -> {
        be.axpby(0.5f, a, 0.5f, c);
        be.mul(a, b, c);
        be.tanh(c, c);
        be.tanhBackward(c, b, c, 0f);
      }
      case "reductions" -> {
        be.sumRows(Mat.of(a), d, 0f);
        bh.consume(be.sumSquares(e));
      }
      case "dropout" -> be.dropout(a, 0.2f, seed++, b, c);
      case "optim" -> be.adamUpdate(a, b, c, d, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
      default -> throw new IllegalStateException(family);
    }
    if (!backend.equals("cpu")) {
      be.synchronize();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : open) {
      t.close();
    }
    open.clear();
    be.close();
  }
}
