package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's memory and lifecycle: tensors released and closed ones refused, uploads
 * checked. Its primitives are tested per op family, as the classes are split: {@code
 * CpuGemmEngineTest}, {@code CpuElementwiseTest}, {@code CpuReductionsTest}, {@code
 * CpuSoftmaxTest}, {@code CpuEmbeddingTest}; the cells by {@code VecCellsTest} (against {@link
 * ExactCells}) and the finite-difference checks of {@code RecurrentGradCheckTest}.
 */
class CpuBackendTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void tensorsAreReleasedAndClosedOnesRejected() {
    CpuBackend own = new CpuBackend(1);
    {
      Tensor a = own.zeros(DType.FLOAT32, Shape.of(4, 4));
      Tensor b = own.zeros(2);
      assertEquals(2, own.liveTensors());
      a.close();
      if (own.checksMemory()) { // -Drnn4j.cpu.checkMemory=true: a double close is reported
        assertThrows(IllegalStateException.class, a::close);
      } else {
        a.close();
      }
      assertEquals(1, own.liveTensors());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> own.download(a));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      own.close();
      assertTrue(b.isClosed(), "closing the backend closes its tensors");
    }
  }

  @Test
  void uploadRejectsWrongCounts() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> be.upload(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("5 values do not fill shape [2, 3]"), e.getMessage());
  }
}
