package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
  @Test
  void scoresOutputsAgainstTheTargetsOfATsv(@TempDir Path tmp) throws Exception {
    Path ref =
        Files.writeString(tmp.resolve("test.tsv"), "the cat\tle chat\na dog\tun chien noir\n");
    Path hyp = Files.writeString(tmp.resolve("hyp.txt"), "le chat\nun chien noir\n");
    CliRun r = CliRun.run("score", "--hyp", hyp.toString(), "--ref", ref.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> j = Json.parseObject(r.out().strip());
    assertEquals(100.0, Json.getDouble(Json.getObject(j, "chrf"), "score"), 1e-9);
    assertEquals(100.0, Json.getDouble(Json.getObject(j, "rougeL"), "score"), 1e-9);
    Path shortHyp = Files.writeString(tmp.resolve("short.txt"), "le chat\n");
    CliRun bad = CliRun.run("score", "--hyp", shortHyp.toString(), "--ref", ref.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("must pair line by line"), bad.err());
  }
}
