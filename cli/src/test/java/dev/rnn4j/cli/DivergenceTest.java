package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.FileChecksums;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run that diverges stops with exit code 3 and a message saying what diverged and what
 * to try, whether or not clipping is on, and the checkpoints saved before it stay as they were.
 */
class DivergenceTest {
  private static List<String> train(Path tmp, Path out, String... extra) throws Exception {
    Path train = Files.writeString(tmp.resolve("train.tsv"), CliRun.upperCaseTask());
    Path dev = Files.writeString(tmp.resolve("dev.tsv"), "a b\tA B\nc a\tC A\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--train",
                train.toString(),
                "--dev",
                dev.toString(),
                "--out",
                out.toString(),
                "--embed",
                "8",
                "--encoder-hidden",
                "8",
                "--decoder-hidden",
                "8",
                "--batch-size",
                "8",
                "--dropout",
                "0",
                "--backend",
                "cpu"));
    args.addAll(List.of(extra));
    return args;
  }

  private static void assertDiverged(CliRun r) {
    assertEquals(Main.EXIT_DIVERGED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("training diverged at epoch"), r.err());
    assertTrue(r.err().contains("Try a lower learning rate"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void adamWithAHugeRateAndNoClippingStopsLoudly(@TempDir Path tmp) throws Exception {
    // (At 1e4 this small model's loss grows to ~5e4 per token but stays finite; the NaN
    // came from a larger one. 1e30 makes the weights overflow after one step.)
    CliRun r =
        CliRun.run(train(tmp, tmp.resolve("run"), "--epochs", "3", "--lr", "1e30", "--clip", "0"));
    assertDiverged(r);
    assertTrue(r.err().contains("gradient-norm clipping (off now"), r.err());
  }

  @Test
  void sgdWithAHugeRateStopsLoudly(@TempDir Path tmp) throws Exception {
    CliRun r =
        CliRun.run(
            train(
                tmp,
                tmp.resolve("run"),
                "--epochs",
                "3",
                "--optimizer",
                "sgd",
                "--lr",
                "1e30",
                "--clip",
                "0"));
    assertDiverged(r);
  }

  @Test
  void theCheckpointsOfTheGoodEpochsAreKept(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    CliRun good = CliRun.run(train(tmp, out, "--epochs", "1", "--lr", "0.01"));
    assertEquals(0, good.code(), good.err());
    String last = FileChecksums.sha256(out.resolve("last/model.safetensors"));
    String best = FileChecksums.sha256(out.resolve("best/model.safetensors"));
    // A new run into the same directory: its first epoch would be the best so far, but its
    // weights are not finite by then, so neither checkpoint may be replaced.
    CliRun bad = CliRun.run(train(tmp, out, "--epochs", "3", "--lr", "1e30", "--clip", "0"));
    assertDiverged(bad);
    assertEquals(last, FileChecksums.sha256(out.resolve("last/model.safetensors")));
    assertEquals(best, FileChecksums.sha256(out.resolve("best/model.safetensors")));
  }
}
