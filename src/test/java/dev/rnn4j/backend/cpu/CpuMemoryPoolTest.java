package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rnn4j.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/** Recycled blocks come back zeroed, of either element type, and the cache stays bounded. */
class CpuMemoryPoolTest {
  @Test
  void blocksAreReusedByCapacityAndBounded() {
    try (CpuMemoryPool pool = new CpuMemoryPool(64 * 1024)) {
      FloatPointer a = pool.take(3000);
      assertEquals(3072, a.capacity(), "capacity rounded up to 1,024 elements");
      pool.give(a);
      assertEquals(4 * 3072, pool.cachedBytes());
      assertSame(a, pool.take(2049), "same capacity class reuses the block");
      assertEquals(0, pool.cachedBytes());
      FloatPointer big = pool.take(100_000);
      pool.give(big);
      assertEquals(0, pool.cachedBytes(), "a block over the cache limit is freed, not kept");
      pool.give(a);
    }
  }

  @Test
  void recycledTensorsStartAtZeroForBothTypes() {
    try (CpuBackend be = new CpuBackend(1)) {
      float[] ones = new float[5000];
      java.util.Arrays.fill(ones, 1f);
      be.upload(ones, 5000).close();
      try (Tensor ids = be.zeros(dev.rnn4j.tensor.DType.INT32, dev.rnn4j.tensor.Shape.of(5000))) {
        assertArrayEquals(new int[5000], be.downloadInts(ids), "reused block is zeroed (INT32)");
      }
      try (Tensor x = be.zeros(4000)) {
        assertArrayEquals(new float[4000], be.download(x), "reused block is zeroed (FLOAT32)");
      }
    }
  }
}
