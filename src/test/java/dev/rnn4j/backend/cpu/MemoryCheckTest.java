package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.LogCapture;
import dev.rnn4j.backend.CpuGemm;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's checking mode ({@code rnn4j.cpu.checkMemory}): a write past either end of a
 * tensor, a write after close, a double close and tensors left open are each reported with the
 * tensor's shape and allocation site. Each test makes the error on purpose through the raw pointer.
 */
class MemoryCheckTest {
  private static CpuBackend checking() {
    return new CpuBackend(1, CpuGemm.SGEMM, true);
  }

  @Test
  void writePastTheEndIsCaughtAtClose() {
    try (CpuBackend be = checking()) {
      Tensor t = be.zeros(2, 3);
      FloatPointer p = CpuViews.cpu(t).pointer();
      p.put(6, 1f); // element 6 of 6: one past the end
      IllegalStateException e = assertThrows(IllegalStateException.class, t::close);
      String m = e.getMessage();
      assertTrue(m.contains("tensor [2, 3] FLOAT32"), m);
      assertTrue(m.contains("past the end of its 6 floats"), m);
      assertTrue(m.contains("0 float(s) past the end"), m);
      assertTrue(m.contains("MemoryCheckTest.writePastTheEndIsCaughtAtClose("), m);
      assertTrue(t.isClosed());
      assertEquals(0, be.liveTensors());
    }
  }

  @Test
  void writeBeforeTheStartIsCaught() {
    try (CpuBackend be = checking()) {
      Tensor t = be.zeros(5);
      FloatPointer p = CpuViews.cpu(t).pointer();
      p.put(-3, 2f);
      IllegalStateException e = assertThrows(IllegalStateException.class, t::close);
      assertTrue(e.getMessage().contains("3 float(s) before the start"), e.getMessage());
    }
  }

  @Test
  void damageOfAnOpenTensorIsCaughtWhenTheBackendCloses() {
    CpuBackend be = checking();
    Tensor t = be.zeros(4, 4);
    CpuViews.cpu(t).pointer().put(16 + 2, 3f);
    IllegalStateException e = assertThrows(IllegalStateException.class, be::close);
    assertTrue(e.getMessage().contains("tensor [4, 4] FLOAT32"), e.getMessage());
    assertTrue(e.getMessage().contains("2 float(s) past the end"), e.getMessage());
    assertTrue(t.isClosed());
  }

  @Test
  void writeAfterCloseIsCaughtWhenTheBlockIsReused() {
    try (CpuBackend be = checking()) {
      Tensor t = be.zeros(3000);
      FloatPointer p = CpuViews.cpu(t).pointer();
      t.close();
      p.put(7, 1f); // a use after close
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.zeros(3000));
      assertTrue(e.getMessage().contains("float 7 of its 3072 was overwritten"), e.getMessage());
      assertTrue(e.getMessage().contains("written after close"), e.getMessage());
    }
  }

  @Test
  void doubleCloseIsCaughtWithBothSites() {
    try (CpuBackend be = checking()) {
      Tensor t = be.zeros(2, 2);
      t.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, t::close);
      String m = e.getMessage();
      assertTrue(m.contains("tensor [2, 2] FLOAT32 closed twice"), m);
      assertTrue(
          m.contains("first closed at MemoryCheckTest.doubleCloseIsCaughtWithBothSites("), m);
      assertTrue(m.contains("allocated at MemoryCheckTest.doubleCloseIsCaughtWithBothSites("), m);
    }
  }

  @Test
  void withoutCheckingADoubleCloseIsHarmless() {
    try (CpuBackend be = new CpuBackend(1, CpuGemm.SGEMM, false)) {
      Tensor t = be.zeros(2, 2);
      t.close();
      t.close();
      assertTrue(t.isClosed());
      assertFalse(be.checksMemory());
    }
  }

  @Test
  void aBlockGivenBackTwiceIsRefused() {
    try (CpuMemoryPool pool = new CpuMemoryPool(1 << 20, true)) {
      FloatPointer p = pool.take(100, "tensor [100] FLOAT32", new Throwable("here"));
      pool.give(p);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.give(p));
      assertTrue(e.getMessage().contains("given back twice (double free)"), e.getMessage());
    }
  }

  /** Eight threads close one tensor at once: its block must reach the pool once, in both modes. */
  @Test
  void racingClosesReleaseTheBlockOnce() throws Exception {
    for (boolean check : new boolean[] {false, true}) {
      try (CpuBackend be = new CpuBackend(1, CpuGemm.SGEMM, check)) {
        for (int round = 0; round < 200; round++) {
          Tensor t = be.zeros(64);
          CountDownLatch start = new CountDownLatch(1);
          List<Thread> threads = new ArrayList<>();
          List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
          for (int i = 0; i < 8; i++) {
            Thread th =
                new Thread(
                    () -> {
                      try {
                        start.await();
                        t.close();
                      } catch (IllegalStateException e) {
                        // checking mode: the losers are told "closed twice"
                      } catch (Throwable e) {
                        errors.add(e);
                      }
                    });
            th.start();
            threads.add(th);
          }
          start.countDown();
          for (Thread th : threads) {
            th.join();
          }
          assertTrue(errors.isEmpty(), errors.toString());
          try (Tensor a = be.zeros(64);
              Tensor b = be.zeros(64)) {
            assertNotEquals(
                CpuViews.cpu(a).pointer().address(),
                CpuViews.cpu(b).pointer().address(),
                "two open tensors share one block: a racing close gave it back twice (round "
                    + round
                    + ", checking "
                    + check
                    + ")");
          }
        }
      }
    }
  }

  @Test
  void tensorsLeftOpenAreReportedWithTheirSites() {
    CpuBackend be = checking();
    for (int i = 0; i < 3; i++) {
      be.zeros(8); // left open on purpose: site A
    }
    be.upload(new float[] {1, 2}, 2); // left open on purpose: site B
    be.zeros(1).close();
    OpenTensorReport r = be.openTensors();
    assertEquals(4, r.count());
    assertEquals(2, r.topSites().size(), r.toString());
    assertTrue(r.topSites().get(0).startsWith("3 x MemoryCheckTest.tensorsLeft"), r.toString());
    assertTrue(r.topSites().get(1).startsWith("1 x MemoryCheckTest.tensorsLeft"), r.toString());
    String logged = LogCapture.stderrOf(be::close);
    // One WARN entry: the report's first line, then its sites on lines of their own.
    assertEquals(1, logged.lines().filter(l -> l.contains("WARN")).count(), logged);
    assertTrue(
        logged.contains("WARN")
            && logged.contains("rnn4j: CPU backend closed with 4 tensor(s) still open"),
        logged);
    assertTrue(
        logged.contains("3 x MemoryCheckTest.tensorsLeftOpenAreReportedWithTheirSites("), logged);
    assertEquals(0, be.openTensors().count());
  }
}
