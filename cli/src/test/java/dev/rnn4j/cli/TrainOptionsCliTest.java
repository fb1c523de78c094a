package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.Json;
import dev.rnn4j.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}'s run-level options: --resume takes the model from the checkpoint and refuses
 * contradicting flags, --time-limit is checked between updates, --save-every, --threads, and the
 * metrics log.
 */
class TrainOptionsCliTest {
  private static List<String> args(Path tmp, Path out, String... extra) throws Exception {
    Path train = tmp.resolve("train.tsv");
    if (!Files.exists(train)) {
      Files.writeString(train, CliRun.upperCaseTask());
      Files.writeString(tmp.resolve("dev.tsv"), "a b\tA B\nc a\tC A\n");
    }
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--train",
                train.toString(),
                "--dev",
                tmp.resolve("dev.tsv").toString(),
                "--out",
                out.toString(),
                "--batch-size",
                "8",
                "--backend",
                "cpu",
                "--threads",
                "1"));
    a.addAll(List.of(extra));
    return a;
  }

  private static final String[] SMALL = {
    "--embed",
    "8",
    "--encoder-hidden",
    "8",
    "--decoder-hidden",
    "8",
    "--encoder-layers",
    "1",
    "--decoder-layers",
    "1"
  };

  private static String[] small(String... more) {
    List<String> a = new ArrayList<>(List.of(SMALL));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void resumeTakesTheModelFromTheCheckpointAndRefusesContradictions(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("run");
    CliRun first = CliRun.run(args(tmp, out, small("--epochs", "1")));
    assertEquals(0, first.code(), first.err());
    // No model flags: the defaults (embed 128, ...) must not apply.
    CliRun resumed =
        CliRun.run(args(tmp, out, "--epochs", "2", "--resume", out.resolve("last").toString()));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resuming from"), resumed.out());
    CliRun same =
        CliRun.run(
            args(
                tmp,
                out,
                "--epochs",
                "3",
                "--embed",
                "8",
                "--resume",
                out.resolve("last").toString()));
    assertEquals(0, same.code(), "a flag that agrees is fine: " + same.err());
    CliRun contra =
        CliRun.run(
            args(
                tmp,
                out,
                "--epochs",
                "4",
                "--embed",
                "16",
                "--resume",
                out.resolve("last").toString()));
    assertEquals(2, contra.code());
    assertTrue(
        contra.err().contains("--embed 16 contradicts the checkpoint")
            && contra.err().contains("has 8"),
        contra.err());
    CliRun tok =
        CliRun.run(
            args(tmp, out, "--src-tokenizer", "char", "--resume", out.resolve("last").toString()));
    assertEquals(2, tok.code());
    assertTrue(tok.err().contains("--src-tokenizer cannot change when resuming"), tok.err());
  }

  @Test
  void theTimeLimitEndsTheRunBetweenUpdatesAndTheLogHasEveryEvaluation(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("run");
    // 1.5 s for up to 10,000 epochs: the limit ends it, usually inside an epoch.
    CliRun r =
        CliRun.run(
            args(tmp, out, small("--epochs", "10000", "--time-limit", "0.025", "--patience", "0")));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("time limit: stopped after"), r.out());
    Map<String, Object> trainer =
        Json.parseObject(Files.readString(out.resolve("last/trainer.json")));
    double seconds = Json.getDouble(trainer, "seconds");
    // The budget includes the final evaluation and save; allow the JIT and a busy machine 3 s.
    assertTrue(seconds > 0.5 && seconds < 1.5 + 3, "trained " + seconds + " s");
    List<String> lines = Files.readAllLines(out.resolve(Trainer.METRICS_LOG));
    assertTrue(lines.size() >= 1);
    for (String line : lines) {
      Map<String, Object> j = Json.parseObject(line);
      assertTrue(j.containsKey("dev_loss") && j.containsKey("target_tokens_per_s"), line);
    }
    Map<String, Object> lastLine = Json.parseObject(lines.get(lines.size() - 1));
    assertEquals(Json.getLong(trainer, "updates"), Json.getLong(lastLine, "updates"));
  }

  @Test
  void saveEveryWritesLastWithinAnEpochAndCosineTimeNeedsALimit(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("run");
    CliRun r = CliRun.run(args(tmp, out, small("--epochs", "1", "--save-every", "3")));
    assertEquals(0, r.code(), r.err());
    CliRun bad =
        CliRun.run(
            args(tmp, tmp.resolve("run2"), small("--epochs", "1", "--schedule", "cosine-time")));
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("runs over the time limit, and none is set"), bad.err());
    List<String> a = args(tmp, tmp.resolve("run3"), small("--epochs", "1"));
    a.set(a.indexOf("--threads") + 1, "-1");
    CliRun threads = CliRun.run(a);
    CliRun patience =
        CliRun.run(
            args(tmp, tmp.resolve("run4"), small("--epochs", "1", "--divergence-patience", "0")));
    assertEquals(2, patience.code());
    assertTrue(patience.err().contains("--divergence-patience must be >= 1"), patience.err());
    CliRun every =
        CliRun.run(args(tmp, tmp.resolve("run5"), small("--epochs", "1", "--save-every", "-1")));
    assertEquals(2, every.code());
    assertTrue(every.err().contains("--save-every must be >= 0"), every.err());
    assertEquals(2, threads.code());
    assertTrue(threads.err().contains("--threads must be >= 0"), threads.err());
  }

  @Test
  void theDevMetricCanBeBleuAndIsChosenByHigherValues(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(args(tmp, out, small("--epochs", "3", "--dev-metric", "bleu", "--lr", "0.01")));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("dev BLEU (greedy, 2 pairs)"), r.out());
    List<String> lines = Files.readAllLines(out.resolve(Trainer.METRICS_LOG));
    double best = -1;
    for (String line : lines) {
      Map<String, Object> j = Json.parseObject(line);
      double v = Json.getDouble(j, "value");
      assertTrue(v >= 0 && v <= 100, line);
      assertEquals(v > best, Json.getBoolean(j, "best"), "best means higher for BLEU: " + line);
      best = Math.max(best, v);
    }
    CliRun bad = CliRun.run(args(tmp, tmp.resolve("run2"), small("--dev-metric", "bleu4")));
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("use one of wer, per, bleu, chrf"), bad.err());
  }

  @Test
  void subwordsAreLearnedJointlySavedWithTheModelAndReusable(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            args(
                tmp,
                out,
                small(
                    "--epochs",
                    "2",
                    "--src-tokenizer",
                    "subword",
                    "--tgt-tokenizer",
                    "subword",
                    "--joint-subwords",
                    "--vocab-size",
                    "12")));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("subwords: one joint model learned"), r.out());
    assertTrue(Files.exists(out.resolve("source.spm")) && Files.exists(out.resolve("target.spm")));
    assertTrue(Files.exists(out.resolve("best/source.spm")), "the model carries its subwords");
    Map<String, Object> cfg = Json.parseObject(Files.readString(out.resolve("best/config.json")));
    assertEquals("subword", cfg.get("source_tokenizer"));
    CliRun reuse =
        CliRun.run(
            args(
                tmp,
                tmp.resolve("run2"),
                small(
                    "--epochs",
                    "1",
                    "--src-tokenizer",
                    "subword",
                    "--tgt-tokenizer",
                    "subword",
                    "--subword-model",
                    out.resolve("source.spm").toString())));
    assertEquals(0, reuse.code(), reuse.err());
    assertTrue(!reuse.out().contains("subwords:"), "nothing learned: " + reuse.out());
    assertEquals(
        Files.readString(out.resolve("source.spm")),
        Files.readString(tmp.resolve("run2/best/target.spm")));
    CliRun bad =
        CliRun.run(
            args(
                tmp, tmp.resolve("run3"), small("--joint-subwords", "--src-tokenizer", "subword")));
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--joint-subwords needs"), bad.err());
  }
}
