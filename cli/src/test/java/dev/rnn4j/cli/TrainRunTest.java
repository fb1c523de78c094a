package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainRunTest {

  @Test
  void aNonPositiveLimitIsRefusedNamingTheOption() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainRun.Setup(null, null, 64, 0, null, null, 0, 0, 10, 0, "wer"));
    assertTrue(e.getMessage().contains("--dev-metric-limit"), e.getMessage());
  }
}
