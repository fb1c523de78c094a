package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Gru;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.nn.Rnn;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import dev.rnn4j.train.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend in {@link CpuGemm#BF16} mode: its GEMMs, plain and with a prepared operand split
 * over two threads, against a double reference on bf16-rounded operands, and training through it
 * end to end.
 */
class Bf16GemmTest {

  @BeforeAll
  static void needsBf16Instructions() {
    String why = CpuBackend.bf16Unavailable();
    assumeTrue(why == null, () -> "skipped: this CPU has no native bf16 products: " + why);
  }

  @Test
  void preparedAndPlainProductsMatchTheBf16ReferenceOnTwoThreads() {
    SplittableRandom rnd = new SplittableRandom(11);
    try (CpuBackend be = new CpuBackend(2, CpuGemm.BF16)) {
      // (m, n, k): tall products split by rows, wide ones by columns, both above the split size.
      int[][] shapes = {{96, 512, 64}, {16, 4096, 64}, {3, 5, 7}};
      for (int[] s : shapes) {
        for (boolean tb : new boolean[] {false, true}) {
          for (boolean ta : new boolean[] {false, true}) {
            check(be, rnd, s[0], s[1], s[2], ta, tb);
          }
        }
      }
    }
  }

  private static void check(
      CpuBackend be, SplittableRandom rnd, int m, int n, int k, boolean ta, boolean tb) {
    float[] a = random(m * k, rnd);
    float[] b = random(k * n, rnd);
    float[] c0 = random(m * n, rnd);
    double[] ref = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = c0[i * n + j]; // beta = 1
        for (int p = 0; p < k; p++) {
          float x = a[ta ? p * m + i : i * k + p];
          float y = b[tb ? j * k + p : p * n + j];
          sum += (double) DnnlMatmulTest.bf16(x) * DnnlMatmulTest.bf16(y);
        }
        ref[i * n + j] = sum;
      }
    }
    try (Tensor ta0 = be.upload(a, ta ? k : m, ta ? m : k);
        Tensor tb0 = be.upload(b, tb ? n : k, tb ? k : n);
        Tensor plain = be.upload(c0, m, n);
        Tensor prepared = be.upload(c0, m, n);
        GemmOperand op = be.prepare(Mat.of(tb0), tb)) {
      be.gemm(Mat.of(ta0), ta, Mat.of(tb0), tb, Mat.of(plain), 1f, 1f);
      be.gemm(Mat.of(ta0), ta, op, Mat.of(prepared), 1f, 1f);
      float[] p = be.download(plain);
      float[] q = be.download(prepared);
      for (int i = 0; i < m * n; i++) {
        // Exact operands after rounding: only f32 accumulation error, a few ulps of k terms.
        double tol = 1e-5 + 4e-7 * Math.sqrt(k) * k;
        String where = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " at " + i;
        assertEquals(ref[i], p[i], tol, "plain " + where);
        assertEquals(ref[i], q[i], tol, "prepared " + where);
      }
    }
  }

  private static float[] random(int size, SplittableRandom rnd) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  /**
   * Every cell type, on the per-step path both with W_hh transposed once (T >= 4) and as it is (T =
   * 2), with padding: outputs, input gradients and weight gradients in bf16 mode stay within bf16's
   * rounding of the f32 ones (2^-9 relative per operand, a few such errors summed per product:
   * tolerance 0.02 of the f32 result's scale).
   */
  @Test
  void recurrentLayersInBf16StayCloseToF32() {
    try (CpuBackend f32 = new CpuBackend(2);
        CpuBackend bf = new CpuBackend(2, CpuGemm.BF16)) {
      for (String cell : new String[] {"rnn", "lstm", "gru"}) {
        for (int steps : new int[] {2, 6}) {
          float[][] ref = layerRun(f32, cell, steps);
          float[][] got = layerRun(bf, cell, steps);
          for (int i = 0; i < ref.length; i++) {
            double scale = 0;
            for (float v : ref[i]) {
              scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < ref[i].length; j++) {
              assertEquals(
                  ref[i][j], got[i][j], 0.02 * scale, cell + " T=" + steps + " result " + i);
            }
          }
        }
      }
    }
  }

  /** Output, input gradient and every parameter gradient of one bidirectional 2-layer run. */
  private static float[][] layerRun(CpuBackend be, String cell, int steps) {
    int batch = 5;
    int in = 24;
    int hid = 32;
    RecurrentLayer layer =
        switch (cell) {
          case "rnn" -> new Rnn(be, Activation.TANH, in, hid, 2, true, 0f, 3);
          case "lstm" -> new Lstm(be, in, hid, 2, true, 0f, 3);
          default -> new Gru(be, in, hid, 2, true, 0f, 3);
        };
    SplittableRandom rnd = new SplittableRandom(5);
    int[] lengths = {steps, steps - 1, 1, steps, 2};
    try (layer;
        Tensor x = be.upload(random(batch * steps * in, rnd), batch, steps, in);
        RecurrentOutput out = layer.forward(x, lengths, null, null, true);
        Tensor dy = be.upload(random(batch * steps * 2 * hid, rnd), batch, steps, 2 * hid);
        RecurrentGradients g = layer.backward(out, dy, null, null)) {
      List<float[]> all = new ArrayList<>();
      all.add(be.download(out.output()));
      all.add(be.download(g.input()));
      for (Parameter p : layer.parameters()) {
        all.add(be.download(p.grad()));
      }
      return all.toArray(new float[0][]);
    }
  }

  @Test
  void aClosedOperandIsRefusedInEveryMode() {
    try (CpuBackend bf = new CpuBackend(1, CpuGemm.BF16);
        CpuBackend f32 = new CpuBackend(1)) {
      for (CpuBackend be : new CpuBackend[] {bf, f32}) {
        try (Tensor a = be.upload(new float[4], 2, 2);
            Tensor c = be.upload(new float[4], 2, 2)) {
          GemmOperand op = be.prepare(Mat.of(a), false);
          op.close();
          IllegalStateException e =
              assertThrows(
                  IllegalStateException.class,
                  () -> be.gemm(Mat.of(a), false, op, Mat.of(c), 1f, 0f));
          assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
      }
    }
  }

  @Test
  void theReadmeToyTaskTrainsToExactOutputsInBf16() throws Exception {
    int[][] src = {{4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
    int[][] tgt = {{5, 7, 9}, {6, 8, 10}, {4, 9, 12}};
    var cfg =
        new Seq2SeqConfig(
            13, 13, 16, CellType.LSTM, 32, 1, true, 32, 1, AttentionType.GENERAL, 0f, false);
    var batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    try (CpuBackend be = new CpuBackend(2, CpuGemm.BF16);
        var model = new Seq2SeqModel(be, cfg, 3);
        var adam = new Adam(0.01f)) {
      for (int step = 0; step < 150; step++) {
        model.zeroGrad();
        model.trainStep(batch, 0f, 1f / batch.targetTokens());
        adam.step(model.parameters());
      }
      var tr = new Translator(model);
      for (int i = 0; i < src.length; i++) {
        assertArrayEquals(tgt[i], tr.translate(src[i], DecodeOptions.beam(3)));
      }
      // One model serves many threads in bf16 too: each thread has its own oneDNN plans and
      // bf16 buffers.
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> futures = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
          int i = k % 3;
          futures.add(pool.submit(() -> tr.translate(src[i], DecodeOptions.beam(2))));
        }
        for (int k = 0; k < futures.size(); k++) {
          assertArrayEquals(tgt[k % 3], futures.get(k).get(), "concurrent decode " + k);
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
