package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.data.Batcher.Position;
import dev.rnn4j.util.CounterRng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatcherTest {

  /** n examples with source lengths 1..30 and target lengths 0..19, ids >= 4. */
  private static List<Example> examples(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] src = rng.ints(1 + rng.nextInt(30), 4, 50).toArray();
      int[] tgt = rng.ints(rng.nextInt(20), 4, 40).toArray();
      out.add(new Example(src, tgt));
    }
    return out;
  }

  private static List<int[]> indices(Batcher b, int count) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(b.next().indices());
    }
    return out;
  }

  private static void assertSameBatches(List<int[]> a, List<int[]> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "batch " + i);
    }
  }

  @Test
  void padsAndShiftsTargetsExactly() {
    List<Example> ex =
        List.of(
            new Example(new int[] {5, 6, 7}, new int[] {8}),
            new Example(new int[] {9}, new int[] {10, 11, 12}),
            new Example(new int[] {4, 4}, new int[] {}));
    Batch b = Batch.of(ex, new int[] {1, 0, 2});
    assertEquals(3, b.size());
    assertEquals(3, b.sourceSteps());
    assertEquals(4, b.targetSteps());
    assertArrayEquals(new int[] {9, 0, 0, 5, 6, 7, 4, 4, 0}, b.source());
    assertArrayEquals(new int[] {1, 3, 2}, b.sourceLengths());
    assertArrayEquals(new int[] {1, 0, 0, 1, 1, 1, 1, 1, 0}, b.sourceMask());
    assertArrayEquals(new int[] {1, 10, 11, 12, 1, 8, 0, 0, 1, 0, 0, 0}, b.targetInput());
    assertArrayEquals(new int[] {10, 11, 12, 2, 8, 2, 0, 0, 2, 0, 0, 0}, b.targetOutput());
    assertArrayEquals(new int[] {4, 2, 1}, b.targetLengths());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0}, b.targetMask());
    assertArrayEquals(new int[] {1, 0, 2}, b.indices());
    assertEquals(7, b.targetTokens());
    assertThrows(IllegalArgumentException.class, () -> Batch.of(ex, new int[0]));
    assertThrows(IllegalArgumentException.class, () -> Batch.of(ex, new int[] {3}));
  }

  @Test
  void everyEpochHoldsEveryExampleOnce() {
    List<Example> ex = examples(103, 1);
    Batcher b = new Batcher(ex, 10, 4, 7);
    assertEquals(11, b.batchesPerEpoch());
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] seen = new int[ex.size()];
      int small = 0;
      for (int i = 0; i < b.batchesPerEpoch(); i++) {
        assertEquals(new Position(epoch, i), b.position());
        Batch batch = b.next();
        small += batch.size() < 10 ? 1 : 0;
        for (int idx : batch.indices()) {
          seen[idx]++;
        }
      }
      int[] ones = new int[ex.size()];
      Arrays.fill(ones, 1);
      assertArrayEquals(ones, seen, "epoch " + epoch);
      assertEquals(1, small, "exactly one short batch (103 = 10 * 10 + 3)");
    }
    assertEquals(new Position(3, 0), b.position());
  }

  @Test
  void isDeterministicGivenTheSeedAndDiffersOtherwise() {
    List<Example> ex = examples(200, 2);
    List<int[]> a = indices(new Batcher(ex, 16, 3, 42), 39);
    List<int[]> same = indices(new Batcher(ex, 16, 3, 42), 39);
    assertSameBatches(a, same);
    List<int[]> other = indices(new Batcher(ex, 16, 3, 43), 39);
    assertNotEquals(Arrays.toString(a.get(0)), Arrays.toString(other.get(0)));
    // Epoch 0 and epoch 1 (13 batches each) are planned differently.
    assertNotEquals(Arrays.toString(a.get(0)), Arrays.toString(a.get(13)));
  }

  @Test
  void resumesExactlyFromASavedPosition() {
    List<Example> ex = examples(150, 3);
    Batcher first = new Batcher(ex, 8, 5, 99);
    indices(first, 23); // into epoch 1 (19 batches per epoch)
    Position saved = first.position();
    assertEquals(new Position(1, 4), saved);
    List<int[]> expected = indices(first, 40);

    Batcher resumed = new Batcher(ex, 8, 5, 99);
    resumed.seek(saved);
    assertSameBatches(expected, indices(resumed, 40));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> resumed.seek(new Position(0, 19)));
    assertTrue(e.getMessage().contains("batch in [0, 19)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> resumed.seek(new Position(-1, 0)));
  }

  @Test
  void bucketingGroupsSimilarLengthsAndCutsPadding() {
    List<Example> ex = examples(640, 4);
    int batch = 32;
    long paddedBucketed = 0;
    long paddedPlain = 0;
    Batcher whole = new Batcher(ex, batch, 20, 5); // one window: the whole epoch is sorted
    List<int[]> ranges = new ArrayList<>();
    for (int i = 0; i < whole.batchesPerEpoch(); i++) {
      Batch b = whole.next();
      paddedBucketed += (long) b.size() * b.sourceSteps();
      int min = Arrays.stream(b.sourceLengths()).min().orElseThrow();
      ranges.add(new int[] {min, b.sourceSteps()});
    }
    Batcher plain = new Batcher(ex, batch, 1, 5);
    for (int i = 0; i < plain.batchesPerEpoch(); i++) {
      Batch b = plain.next();
      paddedPlain += (long) b.size() * b.sourceSteps();
    }
    // With the whole epoch sorted, batch length ranges do not overlap (they may touch).
    ranges.sort((x, y) -> Integer.compare(x[0], y[0]));
    for (int i = 1; i < ranges.size(); i++) {
      assertTrue(ranges.get(i - 1)[1] <= ranges.get(i)[0], "ranges overlap at " + i);
    }
    long real = ex.stream().mapToLong(e -> e.source().length).sum();
    assertTrue(
        paddedBucketed < real * 1.1 && paddedPlain > real * 1.5,
        "padded steps: bucketed " + paddedBucketed + ", plain " + paddedPlain + ", real " + real);
  }

  /** Guards the planned order itself: a change here breaks resuming old checkpoints. */
  @Test
  void planIsStable() {
    List<Example> ex = examples(10, 6);
    Batcher b = new Batcher(ex, 3, 2, 12345);
    StringBuilder sb = new StringBuilder();
    for (int[] batch : b.plan(0)) {
      sb.append(Arrays.toString(batch));
    }
    assertEquals(GOLDEN_PLAN, sb.toString());
  }

  /** The length-only plan is the batcher's own: same batches, same order, in every epoch. */
  @Test
  void planEpochFromLengthsMatchesTheBatcher() {
    List<Example> ex = examples(37, 9);
    int[] srcLen = ex.stream().mapToInt(e -> e.source().length).toArray();
    int[] tgtLen = ex.stream().mapToInt(e -> e.target().length).toArray();
    Batcher b = new Batcher(ex, 4, 3, 77);
    for (int epoch = 0; epoch < 3; epoch++) {
      int[][] plan = Batcher.planEpoch(srcLen, tgtLen, 4, 3, 77, epoch);
      assertEquals(b.batchesPerEpoch(), plan.length);
      for (int[] batch : plan) {
        assertArrayEquals(batch, b.next().indices(), "epoch " + epoch);
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Batcher.planEpoch(srcLen, new int[3], 4, 3, 77, 0));
    assertTrue(e.getMessage().contains("got 37 and 3"), e.getMessage());
  }

  private static final String GOLDEN_PLAN = "[0][8, 1, 9][6, 5, 2][4, 7, 3]";

  @Test
  void drawsAreSplitMix64AndUniform() {
    // SplitMix64 seeded with 0 starts e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f.
    assertEquals(0xE220A8397B1DCDAFL, CounterRng.bits(0, 0));
    assertEquals(0x6E789E6AA1B965F4L, CounterRng.bits(0, 1));
    assertEquals(0x06C45D188009454FL, CounterRng.bits(0, 2));
    Batcher.Draws u = new Batcher.Draws(1);
    int[] hist = new int[3];
    for (int i = 0; i < 30_000; i++) {
      hist[u.nextInt(3)]++;
    }
    for (int h : hist) {
      assertTrue(Math.abs(h - 10_000) < 400, Arrays.toString(hist));
    }
  }

  @Test
  void evaluationBatchesCoverEverythingSortedByLength() {
    List<Example> ex = examples(45, 7);
    List<Batch> batches = Batcher.evaluationBatches(ex, 10);
    assertEquals(5, batches.size());
    int[] seen = new int[ex.size()];
    int prevMax = 0;
    for (Batch b : batches) {
      for (int r = 0; r < b.size(); r++) {
        int idx = b.indices()[r];
        seen[idx]++;
        assertEquals(ex.get(idx).source().length, b.sourceLengths()[r]);
        assertTrue(b.sourceLengths()[r] >= prevMax);
        prevMax = b.sourceLengths()[r];
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(c -> c == 1));
  }

  @Test
  void rejectsBadSettingsAndExamples() {
    List<Example> ex = examples(5, 8);
    assertThrows(IllegalArgumentException.class, () -> new Batcher(List.of(), 4, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Batcher(ex, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Batcher(ex, 4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Batcher.evaluationBatches(ex, 0));
    assertThrows(IllegalArgumentException.class, () -> new Example(new int[0], new int[] {4}));
    assertThrows(IllegalArgumentException.class, () -> new Example(new int[] {4}, null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Example(new int[] {4, -1}, new int[0]));
    assertTrue(e.getMessage().contains("source id 1 is negative"), e.getMessage());
  }
}
