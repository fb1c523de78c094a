package dev.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Module#stateDict()} and {@link Module#loadStateDict}: a state dict taken from one module
 * and loaded into another of the same shape built from another seed makes the two identical, bit
 * for bit (same weights, so the same outputs); shapes, dtypes and names are checked before anything
 * is copied.
 */
class StateDictTest {
  private final Backend be = TestBackends.cpu();

  /** Bitwise equality of two state dicts: same names in the same order, same bits. */
  private static void assertSameState(Map<String, HostTensor> want, Map<String, HostTensor> got) {
    assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
    for (String k : want.keySet()) {
      assertArrayEquals(want.get(k).shape().dims(), got.get(k).shape().dims(), k);
      // assertArrayEquals on float[] compares floatToIntBits: bitwise for non-NaN values.
      assertArrayEquals(want.get(k).floats(), got.get(k).floats(), 0f, k);
    }
  }

  /** (B, T, I) input of the recurrent tests. */
  private float[] input() {
    return Rand.uniform(7, 3 * 5 * 4, 1f);
  }

  private float[] recurrentOutput(RecurrentLayer layer) {
    try (Tensor x = be.upload(input(), 3, 5, 4);
        RecurrentOutput out = layer.forward(x)) {
      return be.download(out.output());
    }
  }

  /** Round trip between two modules that differ only in their seed. */
  private void roundTrip(LongFunction<RecurrentLayer> make) {
    try (RecurrentLayer a = make.apply(1);
        RecurrentLayer b = make.apply(2)) {
      float[] wantOut = recurrentOutput(a);
      assertFalse(
          java.util.Arrays.equals(wantOut, recurrentOutput(b)),
          "the seeds give different modules, so the test can fail");
      Map<String, HostTensor> state = a.stateDict();
      LoadResult r = b.loadStateDict(state, true);
      assertTrue(r.exact(), r.toString());
      assertSameState(state, b.stateDict());
      assertArrayEquals(wantOut, recurrentOutput(b), 0f);
    }
  }

  @Test
  void lstmRoundTrip() {
    roundTrip(seed -> new Lstm(be, 4, 6, 2, true, 0f, seed));
  }

  @Test
  void gruRoundTrip() {
    roundTrip(seed -> new Gru(be, 4, 6, 2, true, 0f, seed));
  }

  @Test
  void linearRoundTrip() {
    float[] x = Rand.uniform(3, 2 * 5, 1f);
    try (Linear a = new Linear(be, "proj.", 5, 3, true, 1);
        Linear b = new Linear(be, "proj.", 5, 3, true, 2);
        Tensor xt = be.upload(x, 2, 5)) {
      Map<String, HostTensor> state = a.stateDict();
      assertEquals(List.of("proj.weight", "proj.bias"), List.copyOf(state.keySet()));
      assertArrayEquals(new int[] {3, 5}, state.get("proj.weight").shape().dims());
      b.loadStateDict(state, true);
      assertSameState(state, b.stateDict());
      try (Tensor ya = a.forward(xt);
          Tensor yb = b.forward(xt)) {
        assertArrayEquals(be.download(ya), be.download(yb), 0f);
      }
    }
  }

  @Test
  void keysArePyTorchsNamedParametersInOrder() {
    try (Lstm lstm = new Lstm(be, 4, 6, 1, true, 0f, 1)) {
      assertEquals(
          List.of(
              "weight_ih_l0",
              "weight_hh_l0",
              "bias_ih_l0",
              "bias_hh_l0",
              "weight_ih_l0_reverse",
              "weight_hh_l0_reverse",
              "bias_ih_l0_reverse",
              "bias_hh_l0_reverse"),
          List.copyOf(lstm.stateDict().keySet()));
      assertArrayEquals(new int[] {24, 4}, lstm.stateDict().get("weight_ih_l0").shape().dims());
    }
  }

  @Test
  void stateDictIsACopy() {
    try (Linear a = new Linear(be, "", 2, 2, false, 1)) {
      Map<String, HostTensor> before = a.stateDict();
      float kept = before.get("weight").floats()[0];
      before.get("weight").floats()[0] = kept + 1; // the caller's array, not the module's
      assertEquals(kept, a.stateDict().get("weight").floats()[0]);
    }
  }

  @Test
  void wrongShapeNamesTheTensorAndBothShapesAndLoadsNothing() {
    try (Lstm small = new Lstm(be, 4, 5, 1);
        Lstm big = new Lstm(be, 4, 6, 2)) {
      Map<String, HostTensor> before = big.stateDict();
      Map<String, HostTensor> state = small.stateDict();
      state.put("extra", HostTensor.ofFloats(new float[1], 1));
      for (boolean strict : new boolean[] {true, false}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> big.loadStateDict(state, strict));
        String m = e.getMessage();
        assertTrue(m.contains("tensor 'weight_ih_l0' is F32[20, 4]"), m);
        assertTrue(m.contains("the parameter is F32[24, 4]"), m);
        assertTrue(m.contains("'bias_hh_l0'"), "every mismatch is listed: " + m);
        assertTrue(m.contains("nothing was loaded"), m);
        assertSameState(before, big.stateDict());
      }
    }
  }

  @Test
  void wrongDtypeIsRefused() {
    try (Linear a = new Linear(be, "", 2, 3, true, 1)) {
      Map<String, HostTensor> state = a.stateDict();
      state.put("bias", HostTensor.ofInts(new int[3], 3));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(state, false));
      assertTrue(
          e.getMessage()
              .contains("tensor 'bias' is I32[3] in the state dict, the parameter is F32[3]"),
          e.getMessage());
    }
  }

  @Test
  void strictRefusesMissingAndUnexpectedNamesListingThemAll() {
    try (Gru a = new Gru(be, 3, 4, 1);
        Gru b = new Gru(be, 3, 4, 2)) {
      Map<String, HostTensor> before = b.stateDict();
      Map<String, HostTensor> state = a.stateDict();
      state.remove("bias_ih_l0");
      state.remove("bias_hh_l0");
      state.put("weight_ih_l1", HostTensor.ofFloats(new float[12 * 4], 12, 4));
      state.put("proj.weight", HostTensor.ofFloats(new float[1], 1, 1));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(state, true));
      String m = e.getMessage();
      assertTrue(m.contains("missing tensor(s) [bias_ih_l0, bias_hh_l0]"), m);
      assertTrue(m.contains("unexpected tensor(s) [weight_ih_l1, proj.weight]"), m);
      assertTrue(m.contains("strict=false"), "says how to load what matches: " + m);
      assertSameState(before, b.stateDict());
    }
  }

  @Test
  void nonStrictLoadsTheIntersectionAndReportsTheRest() {
    try (Gru a = new Gru(be, 3, 4, 1);
        Gru b = new Gru(be, 3, 4, 2)) {
      Map<String, HostTensor> source = a.stateDict();
      Map<String, HostTensor> before = b.stateDict();
      Map<String, HostTensor> state = new LinkedHashMap<>(source);
      state.remove("bias_hh_l0");
      state.remove("weight_ih_l0");
      state.put("decoder.weight", HostTensor.ofFloats(new float[4], 2, 2));
      LoadResult r = b.loadStateDict(state, false);
      assertEquals(List.of("weight_ih_l0", "bias_hh_l0"), r.missing());
      assertEquals(List.of("decoder.weight"), r.unexpected());
      assertFalse(r.exact());
      Map<String, HostTensor> after = b.stateDict();
      for (String k : after.keySet()) {
        HostTensor want = r.missing().contains(k) ? before.get(k) : source.get(k);
        assertArrayEquals(want.floats(), after.get(k).floats(), 0f, k);
      }
      assertNotEquals(
          before.get("weight_hh_l0").floats()[0],
          after.get("weight_hh_l0").floats()[0],
          "a loaded tensor changed");
    }
  }

  @Test
  void nullStateOrTensorIsRefused() {
    try (Linear a = new Linear(be, "", 2, 2, false, 1)) {
      assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(null, true));
      Map<String, HostTensor> state = new LinkedHashMap<>();
      state.put("weight", null);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(state, false));
      assertTrue(e.getMessage().contains("tensor 'weight' is null"), e.getMessage());
    }
  }

  @Test
  void safetensorsFileRoundTrip(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("lstm.safetensors");
    try (Lstm a = new Lstm(be, 4, 6, 2, true, 0f, 1);
        Lstm b = new Lstm(be, 4, 6, 2, true, 0f, 2)) {
      SafeTensors.save(file, a.stateDict());
      assertEquals(Map.of("format", "pt"), SafeTensors.read(file).metadata());
      Map<String, HostTensor> loaded = SafeTensors.load(file);
      assertEquals(a.parameters().size(), loaded.size());
      assertTrue(b.loadStateDict(loaded, true).exact());
      assertSameState(a.stateDict(), b.stateDict());
      assertArrayEquals(recurrentOutput(a), recurrentOutput(b), 0f);
    }
  }
}
