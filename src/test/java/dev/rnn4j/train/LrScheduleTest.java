package dev.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The learning-rate schedules and their parser. Values are float: 1e-7 absolute tolerance. */
class LrScheduleTest {
  @Test
  void constantAndWarmup() {
    assertEquals(0.5f, LrSchedule.parse("constant").at(7, 0.5f));
    LrSchedule w = LrSchedule.parse("warmup:4");
    assertEquals(0.25f, w.at(1, 1f), 1e-7);
    assertEquals(0.75f, w.at(3, 1f), 1e-7);
    assertEquals(1f, w.at(4, 1f));
    assertEquals(1f, w.at(100, 1f));
  }

  @Test
  void cosineFallsFromBaseToZeroOverTheRun() {
    LrSchedule c = LrSchedule.parse("cosine", 100);
    assertEquals(2e-3f, c.at(0, 2e-3f), 1e-9);
    assertEquals(1e-3f, c.at(50, 2e-3f), 1e-9, "half way: half the base rate");
    assertEquals(2e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), c.at(25, 2e-3f), 1e-9);
    assertEquals(0f, c.at(100, 2e-3f), 1e-12);
    assertEquals(0f, c.at(250, 2e-3f), 1e-12, "past the end it stays at 0");
    float previous = Float.MAX_VALUE;
    for (long s = 0; s <= 100; s++) {
      float lr = c.at(s, 1f);
      assertTrue(lr <= previous, "non-increasing at step " + s);
      previous = lr;
    }
  }

  @Test
  void cosineWithWarmupRisesThenFalls() {
    LrSchedule c = LrSchedule.parse("cosine:10", 110);
    assertEquals(0.5f, c.at(5, 1f), 1e-7);
    assertEquals(1f, c.at(10, 1f), 1e-7);
    assertEquals(0.5f, c.at(60, 1f), 1e-7);
    assertEquals(0f, c.at(110, 1f), 1e-7);
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("linear", 10));
    assertTrue(unknown.getMessage().contains("'linear'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("cosine"), unknown.getMessage());
    IllegalArgumentException noLength =
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("cosine"));
    assertTrue(noLength.getMessage().contains("number of updates"), noLength.getMessage());
    IllegalArgumentException badWarmup =
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("cosine:x", 10));
    assertTrue(badWarmup.getMessage().contains("'cosine:x'"), badWarmup.getMessage());
    IllegalArgumentException tooShort =
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("cosine:20", 10));
    assertTrue(tooShort.getMessage().contains("warm-up"), tooShort.getMessage());
  }
}
