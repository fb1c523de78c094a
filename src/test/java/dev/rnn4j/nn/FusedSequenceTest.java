package dev.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's fused whole-sequence kernels (oneDNN's RNN primitives, used for batches without
 * padding) against its per-step cells, which the PyTorch fixtures and gradient checks pin down:
 * outputs, final states and every gradient of a two-layer bidirectional stack with initial states.
 * Two passes, so parameter gradients accumulate. Batches of 16 and 9 rows are split across the
 * backend's two threads (uneven parts for 9).
 */
class FusedSequenceTest {
  private static CpuBackend perStep;

  private static CpuBackend fusedAlways;

  @BeforeAll
  static void backends() {
    CpuOptions two = CpuOptions.fromSystemProperties().withThreads(2);
    perStep = new CpuBackend(two.withFusedRnn(CpuOptions.FusedRnn.NEVER));
    fusedAlways = new CpuBackend(two.withFusedRnn(CpuOptions.FusedRnn.ALWAYS));
  }

  @AfterAll
  static void close() {
    perStep.close();
    fusedAlways.close();
  }

  static List<Arguments> cases() {
    return List.of(
        Arguments.of(CellType.LSTM, 16, 7),
        Arguments.of(CellType.LSTM, 9, RecurrentDirection.FUSED_MIN_STEPS),
        Arguments.of(CellType.GRU, 16, 7),
        Arguments.of(CellType.GRU, 3, 5),
        Arguments.of(CellType.RNN_TANH, 16, 7),
        Arguments.of(CellType.RNN_RELU, 9, 4));
  }

  /**
   * Tolerance 2e-6 + 2e-5·|ref|: both paths compute in float32 with the same formulas; they differ
   * in GEMM blocking and summation order (weight gradients sum over B·T products), and oneDNN's
   * vectorised exp/tanh agree with Java's to a few ulps.
   */
  private static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      double tol = 2e-6 + 2e-5 * Math.abs(want[i]);
      assertTrue(
          Math.abs(want[i] - got[i]) <= tol,
          what + "[" + i + "]: per-step " + want[i] + ", fused " + got[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void fusedEqualsPerStep(CellType cell, int batch, int steps) {
    Backend fused = fusedAlways;
    int in = 6;
    int hid = 5;
    RecurrentConfig cfg = new RecurrentConfig(cell, in, hid, 2, true, 0f);
    int states = 4;
    float[] x = Rand.uniform(11, batch * steps * in, 1f);
    float[] h0 = Rand.uniform(12, states * batch * hid, 0.5f);
    float[] c0 = Rand.uniform(13, states * batch * hid, 0.5f);
    float[] dOut = Rand.uniform(14, batch * steps * 2 * hid, 1f);
    float[] dhN = Rand.uniform(15, states * batch * hid, 1f);
    float[] dcN = Rand.uniform(16, states * batch * hid, 1f);
    Backend[] bes = {perStep, fused};
    List<float[]> ref = null;
    for (int k = 0; k < 2; k++) {
      Backend be = bes[k];
      boolean lstm = cell.hasCellState();
      try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 7);
          Tensor xt = be.upload(x, batch, steps, in);
          Tensor h0t = be.upload(h0, states, batch, hid);
          Tensor c0t = lstm ? be.upload(c0, states, batch, hid) : null;
          Tensor dOutT = be.upload(dOut, batch, steps, 2 * hid);
          Tensor dhNt = be.upload(dhN, states, batch, hid);
          Tensor dcNt = lstm ? be.upload(dcN, states, batch, hid) : null;
          RecurrentOutput inf = layer.forward(xt, null, h0t, c0t, false)) {
        try (RecurrentOutput first = layer.forward(xt, null, h0t, c0t, true);
            RecurrentGradients g1 = layer.backward(first, dOutT, dhNt, dcNt)) {
          assertTrue(first.hasActivations() && g1.input() != null);
        }
        // A second pass on recycled memory: parameter gradients must accumulate to twice the
        // first pass's, with nothing left over from the first pass's buffers.
        try (RecurrentOutput out = layer.forward(xt, null, h0t, c0t, true);
            RecurrentGradients g = layer.backward(out, dOutT, dhNt, dcNt)) {
          List<float[]> got = new ArrayList<>();
          got.add(be.download(inf.output()));
          got.add(be.download(out.output()));
          got.add(be.download(out.hN()));
          got.add(be.download(g.input()));
          got.add(be.download(g.h0()));
          if (lstm) {
            got.add(be.download(out.cN()));
            got.add(be.download(g.c0()));
          }
          for (Parameter p : layer.parameters()) {
            got.add(be.download(p.grad()));
          }
          if (k == 0) {
            ref = got;
          } else {
            String[] names = {"inference output", "output", "hN", "dInput", "dh0", "cN", "dc0"};
            int fixed = lstm ? 7 : 5;
            for (int i = 0; i < got.size(); i++) {
              String what =
                  i < fixed ? names[i] : "grad " + layer.parameters().get(i - fixed).name();
              assertClose(ref.get(i), got.get(i), cell + " " + what);
            }
          }
        }
      }
    }
  }

  /**
   * Inference through the fused kernel from several threads at once (as a shared Translator's
   * encoder does): each thread's output equals the single-threaded one exactly (same primitive,
   * same rows, caller-owned scratchpads).
   */
  @Test
  void concurrentInferenceGivesTheSingleThreadedResult() throws Exception {
    Backend be = fusedAlways;
    int batch = 12;
    int steps = 9;
    int in = 6;
    int hid = 5;
    RecurrentConfig cfg = new RecurrentConfig(CellType.LSTM, in, hid, 2, true, 0f);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 9);
        Tensor x = be.upload(Rand.uniform(21, batch * steps * in, 1f), batch, steps, in)) {
      float[] want;
      try (RecurrentOutput out = layer.forward(x)) {
        want = be.download(out.output());
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> futures = new ArrayList<>();
        for (int k = 0; k < 32; k++) {
          futures.add(
              pool.submit(
                  () -> {
                    try (RecurrentOutput out = layer.forward(x)) {
                      return be.download(out.output());
                    }
                  }));
        }
        for (Future<float[]> f : futures) {
          assertArrayEquals(want, f.get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
