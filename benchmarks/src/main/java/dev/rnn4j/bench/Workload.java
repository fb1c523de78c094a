package dev.rnn4j.bench;

import java.util.Locale;

/**
 * The workloads of {@code benchmarks/WORKLOADS.md} that a single layer can run: K1–K4 recurrent
 * layers and G1, the sgemm that bounds them. Every benchmark (rnn4j, libtorch through DJL, and
 * {@code scripts/bench_pytorch.py}) runs exactly these shapes; the report takes FLOP counts from
 * here.
 *
 * <p>FLOP counts (one "op" of the benchmark): LSTM forward = 2·T·B·(I+H)·4H, GRU forward =
 * 2·T·B·(I+H)·3H, backward ≈ 2× forward (so forward + backward = 3× forward); G1 = 2·M·K·N.
 */
public enum Workload {
  /** LSTM inference (no activations kept). */
  K1(Kind.LSTM, 512, 512, 16, 25, false),
  /** LSTM forward + backward: gradients of input, h0, c0 and all weights. */
  K2(Kind.LSTM, 512, 512, 16, 25, true),
  /** GRU forward + backward. */
  K3(Kind.GRU, 512, 512, 32, 25, true),
  /** Large LSTM forward + backward. */
  K4(Kind.LSTM, 1024, 1024, 64, 50, true),
  /** sgemm C = A·B with A, B, C 2048×2048 (fields: M = input, K = hidden, N = batch). */
  G1(Kind.GEMM, 2048, 2048, 2048, 1, false);

  /** What the workload runs. */
  public enum Kind {
    LSTM(4),
    GRU(3),
    GEMM(0);

    /** Gate blocks per cell (G in G·H). */
    public final int gates;

    Kind(int gates) {
      this.gates = gates;
    }
  }

  public final Kind kind;
  public final int inputSize;
  public final int hiddenSize;
  public final int batch;
  public final int steps;
  public final boolean training;

  Workload(Kind kind, int inputSize, int hiddenSize, int batch, int steps, boolean training) {
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.batch = batch;
    this.steps = steps;
    this.training = training;
  }

  /** Floating-point operations of one benchmark op (one forward, or one forward + backward). */
  public double flops() {
    if (kind == Kind.GEMM) {
      return 2.0 * inputSize * hiddenSize * batch;
    }
    double forward =
        2.0 * steps * batch * (double) (inputSize + hiddenSize) * kind.gates * hiddenSize;
    return training ? 3.0 * forward : forward;
  }

  /** GFLOP/s of one op taking {@code ms} milliseconds. */
  public double gflops(double ms) {
    return flops() / (ms * 1e6);
  }

  /** One line for tables and logs, e.g. {@code LSTM fwd+bwd I=H=512 B=16 T=25}. */
  public String describe() {
    if (kind == Kind.GEMM) {
      return String.format(Locale.ROOT, "sgemm %dx%dx%d", inputSize, hiddenSize, batch);
    }
    String sizes =
        inputSize == hiddenSize ? "I=H=" + inputSize : "I=" + inputSize + " H=" + hiddenSize;
    return String.format(
        Locale.ROOT,
        "%s %s %s B=%d T=%d",
        kind,
        training ? "fwd+bwd" : "inference",
        sizes,
        batch,
        steps);
  }
}
