package dev.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of the recurrent stack: lengths, modes, parameter layout, bad input, no leaks. */
class RecurrentLayerTest {
  private final Backend be = TestBackends.cpu();

  /**
   * A padded batch with lengths gives, on its valid steps, exactly what each sequence gives alone
   * at its own length (what PyTorch's packed sequences compute). Tolerance 1e-6: the same
   * arithmetic in the same order, only GEMM blocking may differ.
   */
  @ParameterizedTest
  @EnumSource(CellType.class)
  void lengthsEqualRunningEachSequenceAlone(CellType cell) {
    int batch = 3;
    int steps = 6;
    int in = 5;
    int hid = 4;
    int[] lengths = {6, 1, 3};
    RecurrentConfig cfg = new RecurrentConfig(cell, in, hid, 2, true, 0f);
    float[] x = Rand.uniform(21, batch * steps * in, 1f);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 3);
        Tensor xt = be.upload(x, batch, steps, in);
        RecurrentOutput all = layer.forward(xt, lengths, null, null, false)) {
      float[] out = be.download(all.output());
      float[] hN = be.download(all.hN());
      float[] cN = cell.hasCellState() ? be.download(all.cN()) : null;
      int o = cfg.outputSize();
      for (int b = 0; b < batch; b++) {
        int len = lengths[b];
        float[] xb = new float[len * in];
        System.arraycopy(x, b * steps * in, xb, 0, len * in);
        try (Tensor xs = be.upload(xb, 1, len, in);
            RecurrentOutput one = layer.forward(xs)) {
          float[] ob = be.download(one.output());
          for (int t = 0; t < steps; t++) {
            for (int f = 0; f < o; f++) {
              float got = out[(b * steps + t) * o + f];
              float want = t < len ? ob[t * o + f] : 0f;
              assertEquals(want, got, 1e-6, cell + " output b=" + b + " t=" + t + " f=" + f);
            }
          }
          float[] hb = be.download(one.hN());
          for (int s = 0; s < 4; s++) {
            for (int j = 0; j < hid; j++) {
              assertEquals(hb[s * hid + j], hN[(s * batch + b) * hid + j], 1e-6, "hN");
              if (cN != null) {
                float[] cb = be.download(one.cN());
                assertEquals(cb[s * hid + j], cN[(s * batch + b) * hid + j], 1e-6, "cN");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void inferenceEqualsTrainingForwardWithoutDropout() {
    RecurrentConfig cfg = new RecurrentConfig(CellType.LSTM, 3, 4, 2, true, 0f);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 5);
        Tensor x = be.upload(Rand.uniform(3, 2 * 4 * 3, 1f), 2, 4, 3);
        RecurrentOutput a = layer.forward(x, new int[] {4, 2}, null, null, false);
        RecurrentOutput b = layer.forward(x, new int[] {4, 2}, null, null, true)) {
      assertTrue(!a.hasActivations() && b.hasActivations());
      float[] oa = be.download(a.output());
      float[] ob = be.download(b.output());
      for (int i = 0; i < oa.length; i++) {
        assertEquals(oa[i], ob[i], 0f, "output[" + i + "]");
      }
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> layer.backward(a, a.output(), null, null));
      assertTrue(e.getMessage().contains("training forward"), e.getMessage());
    }
  }

  @Test
  void parametersFollowPyTorchNamesAndShapes() {
    RecurrentConfig cfg = new RecurrentConfig(CellType.GRU, 7, 5, 2, true, 0f);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 1)) {
      StringBuilder sb = new StringBuilder();
      for (Parameter p : layer.parameters()) {
        sb.append(p).append(' ');
      }
      assertEquals(
          "weight_ih_l0[15, 7] weight_hh_l0[15, 5] bias_ih_l0[15] bias_hh_l0[15] "
              + "weight_ih_l0_reverse[15, 7] weight_hh_l0_reverse[15, 5] bias_ih_l0_reverse[15] "
              + "bias_hh_l0_reverse[15] weight_ih_l1[15, 10] weight_hh_l1[15, 5] bias_ih_l1[15] "
              + "bias_hh_l1[15] weight_ih_l1_reverse[15, 10] weight_hh_l1_reverse[15, 5] "
              + "bias_ih_l1_reverse[15] bias_hh_l1_reverse[15] ",
          sb.toString());
      float bound = (float) (1 / Math.sqrt(5));
      for (Parameter p : layer.parameters()) {
        for (float v : be.download(p.value())) {
          assertTrue(Math.abs(v) <= bound, p.name() + " value " + v + " outside ±1/sqrt(H)");
        }
      }
    }
  }

  @Test
  void badInputIsRejectedWithClearMessages() {
    try (Lstm lstm = new Lstm(be, 4, 3, 1, false, 0f, 1);
        Tensor x = be.zeros(2, 5, 4);
        Tensor wrong = be.zeros(2, 5, 3);
        Tensor h0 = be.zeros(1, 3, 3);
        Tensor ids = be.uploadInts(new int[10], 2, 5)) {
      assertMessage(() -> lstm.forward(wrong), "input size: got 3, expected 4");
      assertMessage(() -> lstm.forward(null), "input is null");
      assertMessage(() -> lstm.forward(ids), "FLOAT32");
      assertMessage(
          () -> lstm.forward(x, new int[] {5}, null, null, false), "got 1 entries, expected one");
      assertMessage(() -> lstm.forward(x, new int[] {5, 6}, null, null, false), "lengths[1] = 6");
      assertMessage(() -> lstm.forward(x, new int[] {0, 2}, null, null, false), "lengths[0] = 0");
      assertMessage(() -> lstm.forward(x, new int[] {-1, 2}, null, null, false), "lengths[0] = -1");
      assertMessage(() -> lstm.forward(x, null, h0, null, false), "h0: expected FLOAT32 [1, 2, 3]");
    }
    try (Gru gru = new Gru(be, 4, 3, 1);
        Tensor x = be.zeros(2, 5, 4);
        Tensor c0 = be.zeros(1, 2, 3)) {
      assertMessage(() -> gru.forward(x, null, null, c0, false), "has no cell state");
    }
    assertMessage(() -> new RecurrentConfig(CellType.LSTM, 0, 3, 1, false, 0f), "inputSize");
    assertMessage(() -> new RecurrentConfig(CellType.LSTM, 2, 3, 1, false, 1f), "dropout");
  }

  private static void assertMessage(Runnable r, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(
        e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
  }

  @Test
  void forwardAndBackwardLeakNothing() {
    try (CpuBackend own = new CpuBackend(1)) {
      try (Gru gru = new Gru(own, 3, 4, 2, true, 0.2f, 9)) {
        int base = own.liveTensors();
        try (Tensor x = own.upload(Rand.uniform(1, 2 * 3 * 3, 1f), 2, 3, 3);
            Tensor dy = own.upload(Rand.uniform(2, 2 * 3 * 8, 1f), 2, 3, 8)) {
          for (int i = 0; i < 3; i++) {
            try (RecurrentOutput o = gru.forward(x, new int[] {3, 1}, null, null, true);
                RecurrentGradients g = gru.backward(o, dy, null, null)) {
              assertTrue(own.allFinite(g.input()));
            }
          }
          assertThrows(
              IllegalArgumentException.class,
              () -> gru.forward(x, new int[] {9, 9}, null, null, true));
        }
        assertEquals(base, own.liveTensors(), "tensors left open after forward/backward");
      }
      assertEquals(0, own.liveTensors(), "closing the layer releases its parameters");
    }
  }
}
