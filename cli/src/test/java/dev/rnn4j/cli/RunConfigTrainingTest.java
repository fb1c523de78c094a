package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run driven by a run file alone: it writes OUT/run.yaml, which reproduces it, and
 * resuming with a run file checks the file's model options against the checkpoint.
 */
class RunConfigTrainingTest {
  private static final String SMALL =
      "embed: 8\nencoder-hidden: 8\ndecoder-hidden: 8\nencoder-layers: 1\ndecoder-layers: 1\n"
          + "batch-size: 8\nbackend: cpu\nthreads: 1\n";

  private static Path corpus(Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("data"));
    Files.writeString(tmp.resolve("data/train.tsv"), CliRun.upperCaseTask());
    Files.writeString(tmp.resolve("data/dev.tsv"), "a b\tA B\nc a\tC A\n");
    Path f = tmp.resolve("run.yaml");
    Files.writeString(
        f,
        "# the toy task\ntrain: data/train.tsv\ndev: data/dev.tsv\nout: run\nepochs: 1\n" + SMALL);
    return f;
  }

  @Test
  void aRunFileAloneTrainsAndTheRunDirectoryKeepsItsSettings(@TempDir Path tmp) throws Exception {
    Path f = corpus(tmp);
    CliRun r = CliRun.run("train", "--config", f.toString());
    assertEquals(0, r.code(), r.err());
    Path out = tmp.resolve("run");
    assertTrue(Files.isDirectory(out.resolve("best")), "out is relative to the file: " + r.out());
    assertTrue(r.out().contains("model: "), r.out());
    Path written = out.resolve("run.yaml");
    String settings = Files.readString(written);
    assertTrue(settings.contains("\nembed: 8\n"), settings);
    assertTrue(settings.contains("\ntrain: " + tmp.resolve("data/train.tsv").toAbsolutePath()));
    CliRun again = CliRun.run("train", "--config", written.toString(), "--dump-config");
    assertEquals(0, again.code(), again.err());
    assertEquals(settings, again.out(), "OUT/run.yaml reads back as itself");
  }

  @Test
  void resumingWithARunFileChecksItsModelAgainstTheCheckpoint(@TempDir Path tmp) throws Exception {
    Path f = corpus(tmp);
    assertEquals(0, CliRun.run("train", "--config", f.toString()).code());
    Path out = tmp.resolve("run");
    String last = out.resolve("last").toString();
    // The run's own run.yaml names every option, vocabulary ones included: it resumes.
    Path written = out.resolve("run.yaml");
    CliRun resumed =
        CliRun.run("train", "--config", written.toString(), "--resume", last, "--epochs", "2");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resuming from"), resumed.out());
    // A file without model options resumes the checkpoint's model, and says so in run.yaml.
    Path bare = tmp.resolve("bare.yaml");
    Files.writeString(
        bare, "train: data/train.tsv\ndev: data/dev.tsv\nout: run\nbackend: cpu\nepochs: 3\n");
    CliRun dump =
        CliRun.run("train", "--config", bare.toString(), "--resume", last, "--dump-config");
    assertEquals(0, dump.code(), dump.err());
    assertTrue(
        dump.out().contains("\nembed: 8\n") && dump.out().contains("\nresume: "), dump.out());
    CliRun fromBare = CliRun.run("train", "--config", bare.toString(), "--resume", last);
    assertEquals(0, fromBare.code(), fromBare.err());
    assertEquals(dump.out(), Files.readString(written));
    // Model options and tokenizer kinds in the file count as given: a contradiction is refused.
    Files.writeString(
        tmp.resolve("big.yaml"), Files.readString(f).replace("embed: 8", "embed: 16"));
    CliRun big =
        CliRun.run("train", "--config", tmp.resolve("big.yaml").toString(), "--resume", last);
    assertEquals(2, big.code());
    assertTrue(
        big.err().contains("big.yaml: --embed 16 contradicts the checkpoint being resumed")
            && big.err().contains("has 8"),
        big.err());
    Files.writeString(tmp.resolve("char.yaml"), Files.readString(f) + "src-tokenizer: char\n");
    CliRun chars =
        CliRun.run("train", "--config", tmp.resolve("char.yaml").toString(), "--resume", last);
    assertEquals(2, chars.code());
    assertTrue(
        chars.err().contains("char.yaml: --src-tokenizer char contradicts the checkpoint")
            && chars.err().contains("has whitespace"),
        chars.err());
    // The command line overrides the file, and keeps its own stricter rule for tokenizers.
    CliRun agree =
        CliRun.run(
            "train",
            "--config",
            tmp.resolve("big.yaml").toString(),
            "--embed",
            "8",
            "--epochs",
            "4",
            "--resume",
            last);
    assertEquals(0, agree.code(), agree.err());
    CliRun cmd =
        CliRun.run(
            "train", "--config", f.toString(), "--src-tokenizer", "whitespace", "--resume", last);
    assertEquals(2, cmd.code());
    assertTrue(cmd.err().contains("--src-tokenizer cannot change when resuming"), cmd.err());
  }
}
