package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnn4j.Fuzz;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutated JSON text: {@link Json#parse} returns a value that {@link Json#write} writes back to the
 * same value, or throws {@link IllegalArgumentException} with a message naming the offset.
 */
class JsonFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("json");

  @Provide
  Arbitrary<byte[]> texts() {
    return Fuzz.inputs("json");
  }

  @Property(
      tries = 10_000,
      seed = "4022",
      shrinking = ShrinkingMode.OFF,
      edgeCases = EdgeCasesMode.NONE,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void parserReturnsAWritableValueOrReportsTheOffset(@ForAll("texts") byte[] text) {
    Fuzz.check(
        STATS,
        text,
        b -> {
          Object v = Json.parse(new String(b, StandardCharsets.UTF_8));
          String written;
          try {
            written = Json.write(v);
          } catch (IllegalArgumentException e) {
            throw new AssertionError("parsed a value that Json.write refuses: " + e.getMessage());
          }
          assertEquals(v, Json.parse(written), "write then parse changes the value");
        },
        IllegalArgumentException.class);
  }

  @AfterContainer
  static void summary() {
    System.out.println(STATS.summary());
  }
}
