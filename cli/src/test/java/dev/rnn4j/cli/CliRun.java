package dev.rnn4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in this JVM and captures its exit code, stdout and stderr (tests). */
record CliRun(int code, String out, String err) {
  static CliRun run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  static CliRun run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new CliRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Eight letter sequences mapped to upper case, eight times over: 64 TSV lines. */
  static String upperCaseTask() {
    StringBuilder tsv = new StringBuilder();
    String[] words = {"a b", "b c", "c a", "a a", "b b", "c c", "a b c", "c b a"};
    for (int rep = 0; rep < 8; rep++) {
      for (String w : words) {
        tsv.append(w).append('\t').append(w.toUpperCase(java.util.Locale.ROOT)).append('\n');
      }
    }
    return tsv.toString();
  }
}
