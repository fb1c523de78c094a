package dev.rnn4j.bench;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Adam;
import dev.rnn4j.train.GradientClipping;
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

/**
 * S1 of benchmarks/WORKLOADS.md: one full seq2seq training step (forward, backward, clipping, Adam)
 * of an embedding-256, 1-layer LSTM encoder and decoder (H = 512), Luong general attention,
 * 8,000-word vocabularies, batch 64, source and target length 30. Every target position is a real
 * token, so one step trains 64 · 30 = 1,920 target tokens: tokens/s = 1,920,000 / (ms per step).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 10, time = 4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g", "-Drnn4j.threads=2"})
@State(Scope.Benchmark)
public class Seq2SeqBench {
  static final int BATCH = 64;
  static final int LEN = 30;
  static final int VOCAB = 8000;

  private Backend backend;
  private Seq2SeqModel model;
  private Adam adam;
  private Seq2SeqBatch batch;

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

  @Setup(Level.Trial)
  public void setup() {
    Threads.warnIfOmpUnset("rnn4j");
    backend =
        Backends.create(
            "cpu",
            CpuOptions.fromSystemProperties()
                .withActivations(CpuOptions.Activations.parse(activations))
                .withGemm(CpuGemm.parse(gemm)),
            null);
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            VOCAB,
            VOCAB,
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
    model = new Seq2SeqModel(backend, cfg, 1);
    adam = new Adam(1e-3f);
    SplittableRandom r = new SplittableRandom(3);
    int[][] src = new int[BATCH][LEN];
    int[][] tgt = new int[BATCH][LEN - 1];
    for (int b = 0; b < BATCH; b++) {
      for (int t = 0; t < LEN; t++) {
        src[b][t] = 4 + r.nextInt(VOCAB - 4);
      }
      for (int t = 0; t < LEN - 1; t++) {
        tgt[b][t] = 4 + r.nextInt(VOCAB - 4);
      }
    }
    batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    System.err.printf(
        "rnn4j S1: %d target tokens per step, OMP_NUM_THREADS=%s%n",
        batch.targetTokens(), System.getenv("OMP_NUM_THREADS"));
  }

  @Benchmark
  public double step() {
    model.zeroGrad();
    Seq2SeqModel.Loss loss = model.trainStep(batch, 0f, 1f / batch.targetTokens());
    GradientClipping.clipGlobalNorm(model.parameters(), 5.0);
    adam.step(model.parameters());
    return loss.sum();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    adam.close();
    model.close();
    backend.close();
  }
}
