package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnn4j.Fuzz;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated JSON text: {@link Json#parse} returns a value that {@link Json#write} writes back to the
 * same value, or throws {@link IllegalArgumentException} with a message naming the offset.
 */
class JsonFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("json");

  @Test
  void parserReturnsAWritableValueOrReportsTheOffset() {
    Fuzz.forAll(
        4022L, 10_000, Fuzz.inputs("json"), this::parserReturnsAWritableValueOrReportsTheOffset);
  }

  void parserReturnsAWritableValueOrReportsTheOffset(byte[] text) {
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

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
