package dev.rnn4j.backend.cuda;

import dev.rnn4j.Rand;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where the time of a recurrent layer goes on the GPU (run by scripts/gpu_run.sh; not a test). For
 * each operation: the host time per call to queue it (what Java, JCuda or cuBLAS spend before the
 * call returns) and the time per call once the GPU has finished them all (queue n calls, then
 * synchronise). Where the two are close, the GPU waits for the host; where the second is larger,
 * the GPU is the limit. Then the same split for whole K1, K2 and K4 runs: queueing time against the
 * synchronised time.
 */
public final class CudaProfile {
  private CudaProfile() {}

  private static void row(String what, int n, Runnable op, CudaBackend be) {
    for (int i = 0; i < Math.min(n, 200); i++) {
      op.run();
    }
    be.synchronize();
    double[] host = new double[5];
    double[] total = new double[5];
    for (int r = 0; r < host.length; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        op.run();
      }
      long t1 = System.nanoTime();
      be.synchronize();
      long t2 = System.nanoTime();
      host[r] = (t1 - t0) / 1e3 / n;
      total[r] = (t2 - t0) / 1e3 / n;
    }
    Arrays.sort(host);
    Arrays.sort(total);
    System.out.printf(
        Locale.ROOT,
        "%-44s host %8.2f us/call   done %8.2f us/call%n",
        what,
        host[host.length / 2],
        total[total.length / 2]);
  }

  private static void layer(
      CudaBackend be, String id, int in, int hid, int batch, int steps, boolean train) {
    RecurrentConfig cfg = RecurrentConfig.of(CellType.LSTM, in, hid);
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 1);
        Tensor x = be.upload(Rand.uniform(1, batch * steps * in, 1f), batch, steps, in);
        Tensor dy = be.upload(Rand.uniform(4, batch * steps * hid, 1f), batch, steps, hid)) {
      row(
          id + (train ? " fwd+bwd" : " inference") + " (whole layer)",
          20,
          () -> {
            if (train) {
              RecurrentOutput o = layer.forward(x, null, null, null, true);
              RecurrentGradients g = layer.backward(o, dy, null, null);
              g.close();
              o.close();
            } else {
              layer.forward(x, null, null, null, false).close();
            }
          },
          be);
    }
  }

  private static void step(CudaBackend be, String id, int batch, int hid) {
    int g = 4 * hid;
    try (Tensor h = be.upload(Rand.uniform(1, batch * hid, 1f), batch, hid);
        Tensor w = be.upload(Rand.uniform(2, hid * g, 0.05f), hid, g);
        Tensor gates = be.upload(Rand.uniform(3, batch * g, 1f), batch, g);
        Tensor bias = be.upload(Rand.uniform(4, g, 0.1f), g);
        Tensor c0 = be.upload(Rand.uniform(5, batch * hid, 1f), batch, hid);
        Tensor c1 = be.zeros(batch, hid);
        Tensor h1 = be.zeros(batch, hid)) {
      row(
          id + " step GEMM " + batch + "x" + hid + " . " + hid + "x" + g,
          2000,
          () -> be.gemm(Mat.of(h), false, Mat.of(w), false, Mat.of(gates), 1f, 0f),
          be);
      if (batch <= be.fusedStepMaxBatch()) {
        try (GemmOperand op = new GemmOperand(Mat.of(w), false, null)) {
          row(
              id + " fused step (GEMM + cell) B=" + batch + " H=" + hid,
              2000,
              () ->
                  be.lstmStepForward(
                      Mat.of(h),
                      op,
                      Mat.of(gates),
                      bias,
                      Mat.of(c0),
                      Mat.of(c1),
                      Mat.of(h1),
                      null,
                      0),
              be);
        }
      }
      row(
          id + " step LSTM cell B=" + batch + " H=" + hid,
          2000,
          () ->
              be.lstmCellForward(Mat.of(gates), bias, Mat.of(c0), Mat.of(c1), Mat.of(h1), null, 0),
          be);
    }
  }

  public static void main(String[] args) {
    try (CudaBackend be = CudaBackend.open()) {
      System.out.println(
          "rnn4j CUDA profile on "
              + be.device()
              + ", "
              + be.gemmImplementation()
              + ", launch arguments: "
              + be.options().launchArguments().name().toLowerCase(Locale.ROOT)
              + ", fused LSTM steps up to batch "
              + be.fusedStepMaxBatch());
      try (Tensor t = be.zeros(1)) {
        row("empty launch (fill of 1 float)", 20000, () -> be.fill(Mat.of(t), 1f), be);
      }
      step(be, "K1/K2", 16, 512);
      step(be, "K3 size", 32, 512);
      step(be, "K4", 64, 1024);
      layer(be, "K1", 512, 512, 16, 25, false);
      layer(be, "K2", 512, 512, 16, 25, true);
      layer(be, "K4", 1024, 1024, 64, 50, true);
    }
  }
}
