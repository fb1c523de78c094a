package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA backend's Java side on a host-memory {@link FakeDevice}, without a GPU: every launcher
 * builds arguments that match its kernel's signature and point into live memory, launch
 * configurations respect CUDA's limits, copies and fills move the right bytes, validation rejects
 * bad shapes, and a training step stops allocating after warm-up. Numerics need a GPU (see {@link
 * CudaKernelParityTest}).
 */
class FakeDeviceBackendTest {
  private static CudaBackend fake(FakeDevice dev) {
    return new CudaBackend(dev, new KernelGemm(dev));
  }

  @Test
  void uploadDownloadCopyAndFillMoveTheRightBytes() {
    FakeDevice dev = new FakeDevice();
    try (CudaBackend be = fake(dev)) {
      float[] v = Rand.uniform(1, 12, 1f);
      Tensor a = be.upload(v, 3, 4);
      assertArrayEquals(v, be.download(a));
      Tensor b = be.zeros(3, 4);
      assertArrayEquals(new float[12], be.download(b));
      be.copy(a, b);
      assertArrayEquals(v, be.download(b));
      be.fill(b, -2.5f);
      for (float x : be.download(b)) {
        assertEquals(-2.5f, x);
      }
      Tensor ids = be.uploadInts(new int[] {3, 1, 4}, 3);
      assertArrayEquals(new int[] {3, 1, 4}, be.downloadInts(ids));
      assertThrows(IllegalArgumentException.class, () -> be.download(ids));
      assertThrows(IllegalArgumentException.class, () -> be.upload(new float[5], 2, 3));
      assertEquals(3, be.liveTensors());
      a.close();
      a.close(); // idempotent
      assertEquals(2, be.liveTensors());
      assertThrows(IllegalStateException.class, () -> be.download(a));
    }
    assertEquals(0, dev.liveBlocks(), "close must return every block to the driver");
  }

  @Test
  void everyPrimitiveLaunchesWithMatchingArguments() {
    FakeDevice dev = new FakeDevice();
    Set<Kernel> launched = EnumSet.noneOf(Kernel.class);
    try (CudaBackend be = fake(dev)) {
      int b = 3;
      int t = 4;
      int h = 5;
      Tensor x = be.zeros(b, t, h);
      Tensor y = be.zeros(b, t, h);
      Tensor lens = be.uploadInts(new int[] {4, 2, 3}, b);
      Tensor bias4 = be.zeros(4 * h);
      Tensor gates = be.zeros(b, t, 4 * h);
      Tensor seqH = be.zeros(b, t, h);
      Tensor state = be.zeros(b, h);
      Tensor dc = be.zeros(b, h);
      be.axpby(1f, x, 0.5f, y);
      be.mul(x, y, y);
      be.scale(x, 2f);
      be.tanh(x, y);
      be.tanhBackward(x, y, y, 1f);
      be.copy(Mat.step(x, 1), Mat.of(state));
      try (Tensor tr = be.zeros(Mat.step(x, 1).cols(), Mat.step(x, 1).rows())) {
        be.transpose(Mat.step(x, 1), Mat.of(tr));
      }
      be.fill(Mat.step(x, 2), 1f);
      be.addRowVector(Mat.of(gates), bias4);
      be.sumRows(Mat.of(gates), bias4, 1f);
      be.reverseSequences(x, y, lens);
      be.reverseSequences(x, y, null);
      be.gatherLastStep(x, lens, state);
      be.scatterAddLastStep(state, lens, x);
      be.maskKeys(x, lens, -1e9f);
      assertEquals(0.0, be.sum(x));
      assertEquals(0.0, be.sumSquares(x));
      assertTrue(be.allFinite(x));
      for (Activation act : Activation.values()) {
        be.rnnCellForward(act, Mat.step(x, 0), be.zeros(h), Mat.step(y, 0), lens, 0);
        be.rnnCellBackward(act, Mat.step(y, 0), Mat.step(x, 0), Mat.step(x, 0), null, 0);
      }
      be.lstmCellForward(
          Mat.step(gates, 1), bias4, Mat.of(state), Mat.step(seqH, 1), Mat.step(y, 1), lens, 1);
      try (Tensor wt = be.zeros(h, 4 * h);
          GemmOperand w = new GemmOperand(Mat.of(wt), false, null)) {
        be.lstmStepForward(
            Mat.step(y, 0),
            w,
            Mat.step(gates, 1),
            bias4,
            Mat.of(state),
            Mat.step(seqH, 1),
            Mat.step(y, 1),
            lens,
            1);
        // The largest batch the fused step takes (32): its launch must stay within the device's
        // shared memory per block.
        int big = 32;
        try (Tensor hb = be.zeros(big, h);
            Tensor gb = be.zeros(big, 4 * h);
            Tensor cb = be.zeros(big, h)) {
          new CudaCells(dev, 1024, CudaCells.FUSED_STEP_LIMIT)
              .lstmStep(
                  Mat.of(hb),
                  Mat.of(wt),
                  Mat.of(gb),
                  bias4,
                  Mat.of(cb),
                  Mat.of(cb),
                  Mat.of(hb),
                  null,
                  0);
        }
      }
      be.lstmCellBackward(
          Mat.step(gates, 1),
          Mat.step(seqH, 1),
          Mat.of(state),
          Mat.step(y, 1),
          dc,
          Mat.step(gates, 1),
          lens,
          1);
      Tensor g3 = be.zeros(b, 3 * h);
      Tensor saved = be.zeros(b, 4 * h);
      be.gruCellForward(
          Mat.of(g3),
          Mat.of(g3),
          be.zeros(3 * h),
          Mat.of(state),
          Mat.step(y, 0),
          Mat.of(saved),
          lens,
          0);
      be.gruCellBackward(
          Mat.of(saved),
          Mat.of(state),
          Mat.step(y, 0),
          Mat.of(g3),
          Mat.of(g3),
          Mat.of(state),
          null,
          0);
      Tensor logits = be.zeros(6, 50_000);
      Tensor probs = be.zeros(6, 50_000);
      Tensor targets = be.uploadInts(new int[] {1, 2, -100, 3, 4, 5}, 6);
      Tensor losses = be.zeros(6);
      be.softmax(logits, probs);
      be.logSoftmax(logits, probs);
      be.softmaxBackward(probs, logits, logits);
      assertEquals(0.0, be.crossEntropyForward(logits, targets, -100, 0.1f, probs, losses));
      be.crossEntropyBackward(probs, targets, -100, 0.1f, 1f / 5, probs);
      Tensor table = be.zeros(10, h);
      Tensor ids = be.uploadInts(new int[] {1, 9, 0}, 3);
      Tensor rows = be.zeros(3, h);
      be.embeddingGather(table, ids, rows);
      be.embeddingScatterAdd(rows, ids, 0, table);
      be.dropout(x, 0.25f, 42L, y, y);
      be.adamUpdate(x, y, be.zeros(b, t, h), be.zeros(b, t, h), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
      be.sgdUpdate(x, y, be.zeros(b, t, h), 0.1f, 0.9f);
      be.sgdUpdate(x, y, null, 0.1f, 0f);
      be.gemm(
          Mat.of(state), false, Mat.of(gates).rows(0, h).cols(0, 3 * h), false, Mat.of(g3), 1f, 0f);
      be.gemmStridedBatched(
          b,
          new Mat(x, 0, t, h, h),
          t * h,
          false,
          new Mat(y, 0, t, h, h),
          t * h,
          true,
          new Mat(be.zeros(b, t, t), 0, t, t, t),
          t * t,
          1f,
          0f);
      be.synchronize();
      for (LaunchConfig c : dev.launches()) {
        launched.add(c.kernel());
      }
    }
    assertEquals(EnumSet.allOf(Kernel.class), launched, "kernels no primitive launched");
  }

  @Test
  void fusedStepRunsWhereItsSharedMemoryFits() {
    FakeDevice dev = new FakeDevice(); // 227 KiB of shared memory per block, as on sm_90
    CudaCells cells = new CudaCells(dev, 1024, CudaCells.FUSED_STEP_LIMIT);
    try (CudaBackend be = fake(dev);
        Tensor h = be.zeros(16, 64);
        Tensor wt = be.zeros(64, 256);
        Tensor wide = be.zeros(64, 512)) {
      assertTrue(cells.fusesStep(Mat.of(h), new GemmOperand(Mat.of(wt), false, null)));
      assertFalse(
          cells.fusesStep(Mat.of(h), new GemmOperand(Mat.of(wt), true, null)), "transposed W");
      assertFalse(
          cells.fusesStep(Mat.of(h), new GemmOperand(Mat.of(wide).cols(0, 256), false, null)),
          "W with a row stride");
    }
    // hPrev and the partial sums: 32 rows of H = 1024 fit (192 KiB); 32 rows of H = 2048 do not.
    assertEquals(4L * (32 * 1024 + 512 * 32), CudaCells.stepSharedBytes(32, 1024));
    assertTrue(CudaCells.stepSharedBytes(32, 1024) <= dev.maxSharedBytes());
    assertTrue(CudaCells.stepSharedBytes(32, 2048) > dev.maxSharedBytes());
  }

  @Test
  void theFusedStepLimitComesFromTheOptions() {
    FakeDevice dev = new FakeDevice();
    try (CudaBackend def = fake(dev);
        CudaBackend off =
            new CudaBackend(
                dev, new KernelGemm(dev), CudaOptions.defaults().withFusedStepMaxBatch(0));
        CudaBackend eight =
            new CudaBackend(
                dev, new KernelGemm(dev), CudaOptions.defaults().withFusedStepMaxBatch(8))) {
      assertEquals(CudaOptions.FUSED_STEP_LIMIT, def.fusedStepMaxBatch());
      assertEquals(CudaOptions.defaults(), def.options());
      assertEquals(0, off.fusedStepMaxBatch());
      assertEquals(8, eight.fusedStepMaxBatch());
      assertEquals(8, eight.options().fusedStepMaxBatch());
    }
  }

  @Test
  void softmaxRowsGetThreadsForTheirWidth() {
    assertEquals(32, CudaSoftmax.threadsFor(1));
    assertEquals(32, CudaSoftmax.threadsFor(256));
    assertEquals(128, CudaSoftmax.threadsFor(1000));
    assertEquals(512, CudaSoftmax.threadsFor(50_000));
    LaunchConfig c = LaunchConfig.linear(Kernel.AXPBY, 10_000_000, 128);
    assertEquals(128, c.gridX());
    assertTrue(c.toString().startsWith("axpby_f32<<<grid (128, 1, 1), block (256, 1, 1), 0 B"));
  }

  @Test
  void errorsNameTheProblem() {
    FakeDevice dev = new FakeDevice();
    try (CudaBackend be = fake(dev)) {
      Tensor a = be.zeros(2, 3);
      Tensor c = be.zeros(2, 2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.gemm(Mat.of(a), false, Mat.of(a), false, Mat.of(c), 1f, 0f));
      assertTrue(e.getMessage().contains("op(A) is 2x3, op(B) is 2x3"), e.getMessage());
      Tensor lens = be.uploadInts(new int[] {1, 2, 3}, 3);
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.rnnCellForward(Activation.TANH, Mat.of(a), be.zeros(3), Mat.of(a), lens, 0));
      assertTrue(e.getMessage().contains("lengths has 3 entries for a batch of 2"), e.getMessage());
      Tensor ints = be.zeros(DType.INT32, Shape.of(2, 3));
      e = assertThrows(IllegalArgumentException.class, () -> be.tanh(ints, a));
      assertTrue(e.getMessage().contains("tanh: expected a FLOAT32 tensor"), e.getMessage());
      KernelArgs wrong = new KernelArgs().i(1).f(1f).ptr(0).f(0f).ptr(0);
      IllegalStateException s =
          assertThrows(
              IllegalStateException.class,
              () -> dev.launch(LaunchConfig.linear(Kernel.AXPBY, 1, 1), wrong));
      assertTrue(s.getMessage().contains("(ifpfp) do not match the parameters of axpby_f32<<<"));
    }
  }

  @ParameterizedTest
  @EnumSource(CellType.class)
  void aTrainingStepStopsAllocatingAfterWarmUp(CellType cell) {
    FakeDevice dev = new FakeDevice();
    try (CudaBackend be = fake(dev)) {
      RecurrentConfig cfg = new RecurrentConfig(cell, 6, 5, 2, true, 0.2f);
      try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 3)) {
        long[] allocs = new long[4];
        for (int step = 0; step < 4; step++) {
          try (Tensor x = be.upload(Rand.uniform(step, 3 * 7 * 6, 1f), 3, 7, 6);
              RecurrentOutput out = layer.forward(x, new int[] {7, 3, 5}, null, null, true);
              Tensor dy = be.zeros(DType.FLOAT32, out.output().shape());
              RecurrentGradients g = layer.backward(out, dy, null, null)) {
            assertEquals(x.shape(), g.input().shape());
          }
          allocs[step] = be.driverAllocations();
        }
        assertEquals(allocs[1], allocs[3], "driver allocations after warm-up");
        assertFalse(dev.launches().isEmpty());
      }
      assertEquals(0, be.liveTensors(), "the layer's tensors are closed with it");
    }
  }
}
