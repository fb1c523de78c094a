package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Backend.scaleRows on the CPU against its reference (the interface's default, on the host): exact,
 * one float multiplication per element either way.
 */
class ScaleRowsTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void matchesTheReferenceOnEveryShape() {
    SplittableRandom r = new SplittableRandom(5);
    for (int[] shape : new int[][] {{1, 1}, {3, 7}, {2, 5, 9}, {640, 1000}}) {
      int cols = shape[shape.length - 1];
      int rows = 1;
      for (int i = 0; i < shape.length - 1; i++) {
        rows *= shape[i];
      }
      float[] x = new float[rows * cols];
      float[] s = new float[rows];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < rows; i++) {
        s[i] = i % 7 == 0 ? 0f : (float) r.nextGaussian();
      }
      float[] want = x.clone();
      for (int i = 0; i < rows; i++) {
        for (int c = 0; c < cols; c++) {
          want[i * cols + c] *= s[i];
        }
      }
      try (Tensor t = be.upload(x, shape);
          Tensor sc = be.upload(s, rows)) {
        be.scaleRows(t, sc);
        assertArrayEquals(want, be.download(t), 0f);
      }
    }
  }

  @Test
  void refusesAScaleOfTheWrongLength() {
    try (Tensor t = be.zeros(3, 4);
        Tensor sc = be.zeros(4)) {
      assertThrows(IllegalArgumentException.class, () -> be.scaleRows(t, sc));
    }
  }
}
