package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuCompare.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The CPU backend's embedding gather and scatter-add ({@link CpuEmbedding}). */
class CpuEmbeddingTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void embeddingGatherAndScatterAdd() {
    float[] table = Rand.uniform(9, 5 * 3, 1f);
    int[] ids = {4, 0, 4, 2};
    float[] d = Rand.uniform(10, 4 * 3, 1f);
    try (Tensor tt = be.upload(table, 5, 3);
        Tensor it = be.uploadInts(ids, 4);
        Tensor out = be.zeros(4, 3);
        Tensor dt = be.upload(d, 4, 3);
        Tensor grad = be.zeros(5, 3)) {
      be.embeddingGather(tt, it, out);
      float[] o = be.download(out);
      for (int r = 0; r < 4; r++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(table[ids[r] * 3 + j], o[r * 3 + j]);
        }
      }
      be.embeddingScatterAdd(dt, it, 0, grad);
      float[] gs = be.download(grad);
      for (int j = 0; j < 3; j++) {
        close(d[j] + d[6 + j], gs[12 + j], "row 4 accumulates twice");
        assertEquals(0f, gs[j], "row 0 is the skipped (padding) id");
        close(d[9 + j], gs[6 + j], "row 2");
      }
      try (Tensor bad = be.uploadInts(new int[] {5}, 1);
          Tensor o1 = be.zeros(1, 3)) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> be.embeddingGather(tt, bad, o1));
        assertTrue(e.getMessage().contains("id 5"), e.getMessage());
      }
    }
  }
}
