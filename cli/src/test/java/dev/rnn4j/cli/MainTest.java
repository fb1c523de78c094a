package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end: train on a tiny corpus, translate and evaluate with the saved model,
 * and bad options or files give a message naming them and a non-zero exit code.
 */
class MainTest {
  @Test
  void trainTranslateAndEvaluate(@TempDir Path tmp) throws Exception {
    StringBuilder tsv = new StringBuilder(CliRun.upperCaseTask());
    tsv.append("no tab here\n").append("\tempty source\n");
    Path train = Files.writeString(tmp.resolve("train.tsv"), tsv.toString());
    Path dev =
        Files.writeString(
            tmp.resolve("dev.tsv"), "a b\tA B\nc a\tC A\na b c\tA B C\nc b a\tC B A\n");
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            "train",
            "--train",
            train.toString(),
            "--dev",
            dev.toString(),
            "--out",
            out.toString(),
            "--embed",
            "16",
            "--encoder-hidden",
            "16",
            "--encoder-layers",
            "1",
            "--decoder-hidden",
            "32",
            "--decoder-layers",
            "1",
            "--epochs",
            "25",
            "--lr",
            "0.01",
            "--batch-size",
            "16",
            "--dropout",
            "0",
            "--patience",
            "0",
            "--keep-epochs",
            "2",
            "--backend",
            "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(out.resolve("epoch-024/model.safetensors")));
    assertTrue(Files.exists(out.resolve("epoch-025/model.safetensors")));
    assertTrue(!Files.exists(out.resolve("epoch-023")), "older epochs are removed");
    assertTrue(
        r.err().contains("line 65") && r.err().contains("line 66"),
        "malformed lines are reported by number: " + r.err());
    assertTrue(Files.exists(out.resolve("best/model.safetensors")));
    assertTrue(Files.exists(out.resolve("loss.svg")));
    Path input = Files.writeString(tmp.resolve("in.txt"), "a b c\nc b a\n");
    Path svg = tmp.resolve("att.svg");
    CliRun t =
        CliRun.run(
            "translate",
            "--model",
            out.resolve("best").toString(),
            "--input",
            input.toString(),
            "--beam",
            "3",
            "--attention-map",
            svg.toString(),
            "--backend",
            "cpu");
    assertEquals(0, t.code(), t.err());
    assertEquals("A B C\nC B A\n", t.out());
    assertTrue(Files.readString(svg).startsWith("<svg"));
    CliRun e =
        CliRun.run(
            "eval",
            "--model",
            out.resolve("best").toString(),
            "--test",
            dev.toString(),
            "--backend",
            "cpu");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("WER 0.00%"), e.out());
    // No output has four tokens, so sacreBLEU's corpus BLEU is 0 (no 4-grams at all) even for
    // perfect outputs; chrF and ROUGE see them as perfect.
    assertTrue(e.out().contains("BLEU 0.00  chrF 100.00") && e.out().contains("tok:13a"), e.out());
    CliRun emin =
        CliRun.run(
            "eval",
            "--model",
            out.resolve("best").toString(),
            "--test",
            dev.toString(),
            "--min-length",
            "4",
            "--block-ngram-repeat",
            "1",
            "--backend",
            "cpu");
    assertEquals(0, emin.code(), emin.err());
    assertTrue(
        !emin.out().contains("WER 0.00%"), "4 distinct tokens for 2-3 word targets: " + emin.out());
    Path hyps = tmp.resolve("hyps.txt");
    CliRun ej =
        CliRun.run(
            "eval",
            "--model",
            out.resolve("best").toString(),
            "--test",
            dev.toString(),
            "--output",
            hyps.toString(),
            "--json",
            "--backend",
            "cpu");
    assertEquals(0, ej.code(), ej.err());
    assertEquals("A B\nC A\nA B C\nC B A\n", Files.readString(hyps));
    var j = Json.parseObject(ej.out().strip());
    assertEquals(4L, j.get("sources"));
    assertEquals(100.0, Json.getDouble(Json.getObject(j, "chrf"), "score"), 1e-9);
    assertTrue(Json.getString(Json.getObject(j, "bleu"), "signature").startsWith("BLEU|nrefs:1"));
    CliRun el =
        CliRun.run(
            "eval",
            "--model",
            out.resolve("best").toString(),
            "--test",
            dev.toString(),
            "--max-length",
            "2",
            "--backend",
            "cpu");
    assertEquals(2, el.code(), el.out());
    assertTrue(el.err().contains("eval scores every line"), el.err());
    CliRun avg =
        CliRun.run(
            "average",
            out.resolve("epoch-024").toString(),
            out.resolve("epoch-025").toString(),
            "--out",
            tmp.resolve("avg").toString());
    assertEquals(0, avg.code(), avg.err());
    CliRun ea =
        CliRun.run(
            "eval",
            "--model",
            tmp.resolve("avg").toString(),
            "--test",
            dev.toString(),
            "--backend",
            "cpu");
    assertEquals(0, ea.code(), ea.err());
    assertTrue(ea.out().contains("WER"), ea.out());
    // Alternative references: "a b" also has the (wrong) "B A"; "c a" only a wrong one.
    Path multi = Files.writeString(tmp.resolve("multi.tsv"), "a b\tB A\nc a\tA C\na b\tA B\n");
    CliRun mr =
        CliRun.run(
            "eval",
            "--model",
            out.resolve("best").toString(),
            "--test",
            multi.toString(),
            "--multi-reference",
            "--backend",
            "cpu");
    assertEquals(0, mr.code(), mr.err());
    assertTrue(mr.out().contains("2 sources (3 references)"), mr.out());
    assertTrue(mr.out().contains("WER 50.00%"), mr.out());
  }

  @Test
  void modelFlagsReachTheSavedConfiguration(@TempDir Path tmp) throws Exception {
    Path data = Files.writeString(tmp.resolve("d.tsv"), "a b\tA B\nb c\tB C\nc a\tC A\n");
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            "train",
            "--train",
            data.toString(),
            "--dev",
            data.toString(),
            "--out",
            out.toString(),
            "--embed",
            "16",
            "--encoder-hidden",
            "16",
            "--encoder-layers",
            "1",
            "--decoder-hidden",
            "16",
            "--decoder-layers",
            "1",
            "--cell",
            "gru",
            "--attention",
            "dot",
            "--input-feeding",
            "--tie-embeddings",
            "--unidirectional",
            "--dropout",
            "0.25",
            "--embedding-dropout",
            "0.125",
            "--epochs",
            "1",
            "--backend",
            "cpu");
    assertEquals(0, r.code(), r.err());
    String json = Files.readString(out.resolve("best/config.json")).replaceAll("\\s", "");
    for (String field :
        new String[] {
          "\"embed_size\":16",
          "\"cell\":\"GRU\"",
          "\"encoder_hidden\":16",
          "\"encoder_layers\":1",
          "\"bidirectional\":false",
          "\"decoder_hidden\":16",
          "\"decoder_layers\":1",
          "\"attention\":\"DOT\"",
          "\"dropout\":0.25",
          "\"tie_embeddings\":true",
          "\"input_feeding\":true",
          "\"embedding_dropout\":0.125"
        }) {
      assertTrue(json.contains(field), field + " missing from " + json);
    }
  }

  @Test
  void bf16GemmsTrainAndTranslate(@TempDir Path tmp) throws Exception {
    String why = CpuBackend.bf16Unavailable();
    assumeTrue(why == null, () -> "skipped: this CPU has no native bf16 products: " + why);
    Path data = Files.writeString(tmp.resolve("d.tsv"), CliRun.upperCaseTask());
    Path out = tmp.resolve("run");
    CliRun r =
        CliRun.run(
            "train",
            "--train",
            data.toString(),
            "--dev",
            data.toString(),
            "--out",
            out.toString(),
            "--embed",
            "16",
            "--encoder-hidden",
            "16",
            "--encoder-layers",
            "1",
            "--decoder-hidden",
            "32",
            "--decoder-layers",
            "1",
            "--batch-size",
            "16",
            "--epochs",
            "25",
            "--lr",
            "0.01",
            "--dropout",
            "0",
            "--patience",
            "0",
            "--backend",
            "cpu",
            "--cpu-gemm",
            "bf16");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend cpu (bf16 GEMMs)"), r.out());
    Path input = Files.writeString(tmp.resolve("in.txt"), "a b c\nc b a\n");
    CliRun t =
        CliRun.run(
            "translate",
            "--model",
            out.resolve("best").toString(),
            "--input",
            input.toString(),
            "--backend",
            "cpu",
            "--cpu-gemm",
            "bf16");
    assertEquals(0, t.code(), t.err());
    assertEquals("A B C\nC B A\n", t.out());
  }

  @Test
  void badInputNamesTheProblemAndFails(@TempDir Path tmp) throws Exception {
    CliRun r =
        CliRun.run("train", "--train", "nope.tsv", "--dev", "nope.tsv", "--out", tmp.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nope.tsv: no such readable file"), r.err());
    Path in = Files.writeString(tmp.resolve("in.txt"), "a\n");
    r =
        CliRun.run(
            "translate", "--model", tmp.resolve("missing").toString(), "--input", in.toString());
    assertTrue(r.code() != 0, "missing model fails");
    assertTrue(r.err().contains("missing"), r.err());
    r =
        CliRun.run(
            "translate", "--model", tmp.toString(), "--input", in.toString(), "--cpu-gemm", "fp8");
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("--cpu-gemm") && r.err().contains("'fp8'") && r.err().contains("bf16"),
        r.err());
    r = CliRun.run("translate", "--model", tmp.toString(), "--bogus");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("--bogus"), r.err());
    Path f = Files.writeString(tmp.resolve("t.tsv"), "a\tb\n");
    r =
        CliRun.run(
            "train",
            "--train",
            f.toString(),
            "--dev",
            f.toString(),
            "--out",
            tmp.toString(),
            "--cell",
            "transformer");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--cell: unknown cell 'transformer'"), r.err());
    r = CliRun.run("lstm-demo", "--steps", "0");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("--steps must be >= 1"), r.err());
  }
}
