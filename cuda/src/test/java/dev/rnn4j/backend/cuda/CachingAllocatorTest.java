package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The caching allocator against a host-memory fake device (no GPU needed). */
class CachingAllocatorTest {
  @Test
  void sizeClassesRoundUpWithBoundedWaste() {
    assertEquals(512, CachingAllocator.sizeClass(0));
    assertEquals(512, CachingAllocator.sizeClass(1));
    assertEquals(1024, CachingAllocator.sizeClass(513));
    assertEquals(1L << 20, CachingAllocator.sizeClass((1L << 20) - 1));
    for (long b = 1; b < 1L << 34; b = b * 3 + 7) {
      long c = CachingAllocator.sizeClass(b);
      assertTrue(c >= b, "class " + c + " below request " + b);
      long bound = b <= 1L << 20 ? b + 511 : b + b / 8;
      assertTrue(c <= bound, "class " + c + " wastes too much for " + b);
      assertEquals(c, CachingAllocator.sizeClass(c), "class of a class size changes");
    }
  }

  @Test
  void freedBlocksAreReusedWithoutAskingTheDriver() {
    FakeDevice dev = new FakeDevice();
    try (CachingAllocator a = new CachingAllocator(dev)) {
      long x = a.allocate(4000, "x");
      long y = a.allocate(100_000, "y");
      a.release(x);
      a.release(y);
      assertEquals(2, a.driverAllocations());
      for (int step = 0; step < 5; step++) {
        long x2 = a.allocate(3900, "x"); // same size class as 4000
        long y2 = a.allocate(100_000, "y");
        assertEquals(x, x2);
        assertEquals(y, y2);
        a.release(y2);
        a.release(x2);
      }
      assertEquals(2, a.driverAllocations(), "a steady workload must not reach the driver");
      assertEquals(0, a.liveBytes());
      assertTrue(a.cachedBytes() >= 104_000);
      a.emptyCache();
      assertEquals(0, dev.liveBlocks());
    }
  }

  @Test
  void outOfMemoryEmptiesTheCacheRetriesThenSaysHowMuch() {
    FakeDevice dev = new FakeDevice(10L << 20);
    try (CachingAllocator a = new CachingAllocator(dev)) {
      long big = a.allocate(6L << 20, "first");
      a.release(big); // cached: 6 MiB still held from the driver
      long other = a.allocate(8L << 20, "second"); // only fits after the cache is emptied
      assertNotEquals(0, other);
      CudaOutOfMemoryException e =
          assertThrows(
              CudaOutOfMemoryException.class,
              () -> a.allocate(5L << 20, "FLOAT32 tensor [1310720]"));
      assertEquals(5L << 20, e.requestedBytes());
      assertEquals(2L << 20, e.freeBytes());
      String m = e.getMessage();
      assertTrue(m.contains("asked for 5.0 MiB"), m);
      assertTrue(m.contains("FLOAT32 tensor [1310720]"), m);
      assertTrue(m.contains("2.0 MiB free of 10.0 MiB"), m);
      assertTrue(m.contains("holds 8.0 MiB in 1 live blocks"), m);
    }
  }

  @Test
  void closeFreesEverythingEvenWhenAFreeFails() {
    FakeDevice dev = new FakeDevice();
    CachingAllocator a = new CachingAllocator(dev);
    long x = a.allocate(1000, "x");
    a.allocate(2000, "y");
    a.allocate(3000, "z");
    a.release(x);
    dev.failNextFrees(1);
    CudaFailureException e = assertThrows(CudaFailureException.class, a::close);
    assertTrue(e.getMessage().contains("fake cuMemFree failure"));
    assertEquals(1, dev.liveBlocks(), "only the block whose free failed may remain");
    a.release(x); // after close: a no-op, not an error
    assertThrows(IllegalStateException.class, () -> a.allocate(10, "late"));
  }
}
