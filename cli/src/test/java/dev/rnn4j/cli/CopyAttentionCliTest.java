package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --copy-attention --coverage-loss --share-embeddings}: one joint vocabulary, the
 * options saved with the model and checked on resume, label smoothing refused, and the model
 * translates.
 */
class CopyAttentionCliTest {
  /** Copy the two words after "keep" (words drawn from 40 names): a task made for copying. */
  private static String copyTask(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder tsv = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String a = "w" + r.nextInt(40);
      String b = "w" + r.nextInt(40);
      String c = "w" + r.nextInt(40);
      tsv.append(c).append(" keep ").append(a).append(' ').append(b);
      tsv.append('\t').append(a).append(' ').append(b).append('\n');
    }
    return tsv.toString();
  }

  private static List<String> args(Path tmp, Path out, String... extra) throws Exception {
    Path train = tmp.resolve("train.tsv");
    if (!Files.exists(train)) {
      Files.writeString(train, copyTask(200, 1));
      Files.writeString(tmp.resolve("dev.tsv"), copyTask(20, 2));
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
                "16",
                "--backend",
                "cpu",
                "--threads",
                "1",
                "--embed",
                "16",
                "--encoder-hidden",
                "8",
                "--decoder-hidden",
                "16",
                "--encoder-layers",
                "1",
                "--decoder-layers",
                "1"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void trainsSavesResumesAndTranslatesACopyModel(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            args(
                tmp,
                out,
                "--epochs",
                "2",
                "--copy-attention",
                "--coverage-loss",
                "0.5",
                "--share-embeddings",
                "--tie-embeddings",
                "--coverage-attention"));
    assertEquals(0, r.code(), r.err());
    Map<String, Object> cfg =
        Json.getObject(
            Json.parseObject(Files.readString(out.resolve("best/config.json"))), "model");
    assertEquals(true, cfg.get("copy_attention"));
    assertEquals(true, cfg.get("share_embeddings"));
    assertEquals(true, cfg.get("coverage_attention"));
    assertEquals(0.5, ((Number) cfg.get("coverage_loss")).doubleValue(), 1e-9);
    assertEquals(cfg.get("src_vocab"), cfg.get("tgt_vocab"), "one joint vocabulary");
    Path in = tmp.resolve("in.txt");
    Files.writeString(in, "w1 keep w2 w3\nw4 keep w5 w6\n");
    CliRun t =
        CliRun.run(
            "translate",
            "--model",
            out.resolve("best").toString(),
            "--input",
            in.toString(),
            "--beam",
            "3");
    assertEquals(0, t.code(), t.err());
    assertEquals(2, t.out().strip().split("\n", -1).length, t.out());

    CliRun contradict =
        CliRun.run(
            args(
                tmp,
                out,
                "--epochs",
                "3",
                "--resume",
                out.resolve("last").toString(),
                "--coverage-loss",
                "1"));
    assertEquals(2, contradict.code());
    assertTrue(contradict.err().contains("--coverage-loss 1.0 contradicts"), contradict.err());
    CliRun resumed =
        CliRun.run(args(tmp, out, "--epochs", "3", "--resume", out.resolve("last").toString()));
    assertEquals(0, resumed.code(), resumed.err());

    CliRun smoothing =
        CliRun.run(args(tmp, tmp.resolve("run2"), "--copy-attention", "--label-smoothing", "0.1"));
    assertEquals(2, smoothing.code());
    assertTrue(smoothing.err().contains("does not combine with --copy-attention"), smoothing.err());
  }

  /**
   * With a vocabulary of 12 ids nearly every word is outside it, yet a copy model learns to output
   * the source's words through their extended ids, including words it never saw in training.
   */
  @Test
  void aCopyModelOutputsSourceWordsOutsideItsVocabulary(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            args(
                tmp,
                out,
                "--epochs",
                "6",
                "--max-vocab",
                "12",
                "--lr",
                "0.01",
                "--copy-attention",
                "--dev-metric",
                "bleu"));
    assertEquals(0, r.code(), r.err());
    Path in = tmp.resolve("in.txt");
    Files.writeString(in, "w1 keep zebra quokka\nw4 keep w5 narwhal\nw7 keep okapi w9\n");
    CliRun t =
        CliRun.run(
            "translate",
            "--model",
            out.resolve("best").toString(),
            "--input",
            in.toString(),
            "--beam",
            "3");
    assertEquals(0, t.code(), t.err());
    assertEquals("zebra quokka\nw5 narwhal\nokapi w9\n", t.out(), t.err());
    Path test = tmp.resolve("test.tsv");
    Files.writeString(test, "w1 keep zebra quokka\tzebra quokka\n");
    CliRun e =
        CliRun.run(
            "eval", "--model", out.resolve("best").toString(), "--test", test.toString(), "--json");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("\"sequence_accuracy\":100.0"), e.out());
  }

  @Test
  void replaceUnkPutsTheAttendedSourceWordInPlaceOfEachUnk(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    // A vocabulary of 12 ids: most words are <unk>, so the model learns to output <unk>.
    CliRun r = CliRun.run(args(tmp, out, "--epochs", "3", "--max-vocab", "12", "--lr", "0.01"));
    assertEquals(0, r.code(), r.err());
    Path in = tmp.resolve("in.txt");
    Files.writeString(in, "w1 keep w2 w3\nw4 keep w5 w6\nw7 keep w8 w9\n");
    CliRun plain =
        CliRun.run(
            "translate", "--model", out.resolve("best").toString(), "--input", in.toString());
    assertEquals(0, plain.code(), plain.err());
    assertTrue(plain.out().contains("<unk>"), "the model outputs <unk>: " + plain.out());
    CliRun replaced =
        CliRun.run(
            "translate",
            "--model",
            out.resolve("best").toString(),
            "--input",
            in.toString(),
            "--replace-unk");
    assertEquals(0, replaced.code(), replaced.err());
    String[] a = plain.out().strip().split("\n");
    String[] b = replaced.out().strip().split("\n");
    assertEquals(a.length, b.length);
    String[] inputs = Files.readString(in).strip().split("\n");
    for (int i = 0; i < a.length; i++) {
      String[] x = a[i].split(" ");
      String[] y = b[i].split(" ");
      assertEquals(x.length, y.length, a[i] + " / " + b[i]);
      List<String> source = List.of(inputs[i].split(" "));
      for (int j = 0; j < x.length; j++) {
        if (x[j].equals("<unk>")) {
          assertTrue(source.contains(y[j]), y[j] + " comes from the source " + source);
        } else {
          assertEquals(x[j], y[j]);
        }
      }
    }
  }
}
