package dev.rnn4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a piece of code logs. rnn4j logs through SLF4J; the tests' binding is slf4j-simple (a
 * test-scoped dependency of the module), which writes each line to the {@code System.err} of the
 * moment, so replacing {@code System.err} for the duration of the call captures the lines.
 */
public final class LogCapture {
  private LogCapture() {}

  /** Runs {@code body} and returns what it wrote to System.err (log lines included). */
  public static String stderrOf(Runnable body) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      body.run();
    } finally {
      System.setErr(old);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
