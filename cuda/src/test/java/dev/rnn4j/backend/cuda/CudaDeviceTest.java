package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Device-level behaviour on a real GPU: `auto` picks CUDA, the allocator stops calling the driver
 * after warm-up, functions are resolved once, out-of-memory errors say how much, and closing a
 * backend frees its memory. Skips without a GPU.
 */
class CudaDeviceTest {
  @Test
  void autoPicksCudaWhereItWorks() {
    CudaTestSupport.cuda();
    try (var be = Backends.create("auto")) {
      assertEquals("cuda", be.name());
    }
  }

  @Test
  void aTrainingStepAllocatesNothingAfterWarmUpAndKernelsResolveOnce() {
    CudaTestSupport.cuda();
    JCudaDevice dev = JCudaDevice.get();
    try (CudaBackend be = CudaBackend.open();
        RecurrentLayer layer =
            new RecurrentLayer(be, new RecurrentConfig(CellType.LSTM, 64, 128, 2, true, 0.1f), 1)) {
      long allocs = 0;
      long lookups = 0;
      for (int step = 0; step < 5; step++) {
        try (Tensor x = be.upload(Rand.uniform(step, 8 * 20 * 64, 1f), 8, 20, 64);
            RecurrentOutput o =
                layer.forward(x, new int[] {20, 5, 9, 20, 1, 13, 20, 7}, null, null, true);
            Tensor dy = be.zeros(DType.FLOAT32, o.output().shape());
            RecurrentGradients g = layer.backward(o, dy, null, null)) {
          assertTrue(be.allFinite(g.input()));
        }
        if (step == 1) {
          allocs = be.driverAllocations();
          lookups = dev.functionLookups();
        }
      }
      assertEquals(allocs, be.driverAllocations(), "driver allocations after warm-up");
      assertEquals(lookups, dev.functionLookups(), "kernel lookups after warm-up");
    }
  }

  @Test
  void backendsWithOtherOptionsShareTheOneDevice() {
    CudaBackend def = CudaTestSupport.cuda();
    CudaOptions debug =
        def.options()
            .withSync(true)
            .withLaunchArguments(CudaOptions.LaunchArguments.ARRAYS)
            .withFusedStepMaxBatch(0);
    float[] v = Rand.uniform(3, 1000, 2f);
    try (CudaBackend be = CudaBackend.open(debug);
        Tensor x = be.upload(v, 10, 100);
        Tensor y = be.zeros(10, 100);
        Tensor xd = def.upload(v, 10, 100);
        Tensor yd = def.zeros(10, 100)) {
      assertEquals(debug, be.options());
      assertEquals(0, be.fusedStepMaxBatch());
      be.tanh(x, y); // launched with array arguments, then synchronised
      def.tanh(xd, yd);
      assertArrayEquals(def.download(yd), be.download(y), "same kernel, other launch settings");
    }
    int other = def.options().device() + 1;
    BackendUnavailableException e =
        assertThrows(
            BackendUnavailableException.class,
            () -> CudaBackend.open(def.options().withDevice(other)));
    assertTrue(e.getMessage().contains("one CUDA device per process"), e.getMessage());
  }

  @Test
  void outOfMemorySaysHowMuch() {
    CudaTestSupport.cuda();
    try (CudaBackend be = CudaBackend.open()) {
      CudaOutOfMemoryException e =
          assertThrows(
              CudaOutOfMemoryException.class,
              () -> {
                // Integer.MAX_VALUE floats per tensor is the limit: 8 GiB each, until memory ends.
                for (int i = 0; i < 1000; i++) {
                  be.zeros(DType.FLOAT32, Shape.of(Integer.MAX_VALUE));
                }
              });
      assertTrue(e.getMessage().contains("asked for 8192.0 MiB"), e.getMessage());
      assertTrue(e.getMessage().contains("free of"), e.getMessage());
      assertTrue(e.freeBytes() >= 0);
    }
  }

  @Test
  void closeFreesDeviceMemory() {
    CudaTestSupport.cuda();
    JCudaDevice dev = JCudaDevice.get();
    long before = dev.memoryInfo()[0];
    CudaBackend be = CudaBackend.open();
    for (int i = 0; i < 8; i++) {
      be.zeros(1 << 26); // 256 MiB each, left open on purpose
    }
    assertTrue(dev.memoryInfo()[0] < before - (1L << 30));
    be.close();
    long after = dev.memoryInfo()[0];
    assertTrue(after > before - (64L << 20), "free before " + before + ", after close " + after);
    assertThrows(IllegalStateException.class, () -> be.zeros(1));
  }
}
