package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
  private static String[] run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new String[] {
        Integer.toString(code),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)
      };
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void scoresOutputsAgainstTheTargetsOfATsv(@TempDir Path tmp) throws Exception {
    Path ref =
        Files.writeString(tmp.resolve("test.tsv"), "the cat\tle chat\na dog\tun chien noir\n");
    Path hyp = Files.writeString(tmp.resolve("hyp.txt"), "le chat\nun chien noir\n");
    String[] r = run("score", "--hyp", hyp.toString(), "--ref", ref.toString(), "--json");
    assertEquals("0", r[0], r[2]);
    Map<String, Object> j = Json.parseObject(r[1].strip());
    assertEquals(100.0, Json.getDouble(Json.getObject(j, "chrf"), "score"), 1e-9);
    assertEquals(100.0, Json.getDouble(Json.getObject(j, "rougeL"), "score"), 1e-9);
    Path shortHyp = Files.writeString(tmp.resolve("short.txt"), "le chat\n");
    String[] bad = run("score", "--hyp", shortHyp.toString(), "--ref", ref.toString());
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("must pair line by line"), bad[2]);
  }
}
