package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionMap;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.train.DivergenceGuard;
import dev.rnn4j.train.TrainOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Learn grapheme-to-phoneme conversion from the CMUdict sample that ships with"
            + " rnn4j (4,000 words), then spell some words out and score the held-out 400.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "20", description = "training epochs (default 20)")
  int epochs;

  @Option(names = "--out", defaultValue = "target/demo-run", description = "run directory")
  Path out;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  private static InputStream resource(String name) {
    InputStream in = DemoCommand.class.getResourceAsStream("/dev/rnn4j/demo/" + name);
    if (in == null) {
      throw new IllegalStateException("demo data " + name + " is missing from the class path");
    }
    return in;
  }

  @Override
  public Integer call() throws Exception {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
    }
    Tokenizer tok = new WhitespaceTokenizer();
    Corpus train;
    Corpus dev;
    try (InputStream a = resource("g2p-train.tsv");
        InputStream b = resource("g2p-dev.tsv")) {
      train = Corpus.read(null, a, "g2p-train.tsv", tok, tok, 60, System.err);
      dev = Corpus.read(null, b, "g2p-dev.tsv", tok, tok, 60, System.err);
    }
    Vocabulary src = Vocabulary.build(Vocabulary.count(train.sources()), 1, 1000);
    Vocabulary tgt = Vocabulary.build(Vocabulary.count(train.targets()), 1, 1000);
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            src.size(),
            tgt.size(),
            64,
            CellType.LSTM,
            128,
            1,
            true,
            256,
            1,
            AttentionType.GENERAL,
            0.3f,
            false);
    TrainOptions opts =
        new TrainOptions(epochs, 3e-3f, "adam", 0f, 0f, 5.0, 0f, "constant", 0.5f, 1, 1, 0, 1);
    System.out.println(
        "rnn4j demo: grapheme-to-phoneme conversion (CMUdict sample, letters ->"
            + " ARPAbet phonemes)");
    List<Example> devEx = dev.encode(src, tgt);
    try (Backend be = backendOptions.open()) {
      TrainRun.run(
          be,
          new TrainRun.Setup(
              cfg, opts, 32, 400, out, null, 0, 0, DivergenceGuard.DEFAULT_PATIENCE, 0, "wer"),
          train.encode(src, tgt),
          new Corpus.Encoded(devEx, null, null),
          src,
          tgt,
          tok,
          tok,
          System.out);
      try (ModelDirectory.Loaded m = ModelDirectory.load(out.resolve("best"), be)) {
        Translator tr = new Translator(m.model());
        System.out.println();
        System.out.println("held-out words (word -> predicted | reference):");
        for (int i = 0; i < 12; i++) {
          int k = i * (devEx.size() / 12);
          int[] hyp = tr.translate(devEx.get(k).source(), DecodeOptions.beam(5));
          String word = String.join("", dev.sources().get(k));
          String p = String.join(" ", tgt.decode(hyp));
          String r = String.join(" ", dev.targets().get(k));
          System.out.printf(
              Locale.ROOT,
              "  %-14s -> %-28s | %s %s%n",
              word,
              p,
              r,
              p.equals(r) ? "" : "   (differs)");
        }
        for (int beam : new int[] {1, 5}) {
          Scores s =
              TrainRun.score(
                  m.model(), devEx, beam == 1 ? DecodeOptions.greedy() : DecodeOptions.beam(beam));
          System.out.printf(
              Locale.ROOT,
              "held-out %d words, %s: WER %.1f%%, PER %.1f%%%n",
              s.sequences(),
              beam == 1 ? "greedy" : "beam 5",
              100 * s.wordErrorRate(),
              100 * s.phonemeErrorRate());
        }
        int[] words = src.encode(tok.tokenize("r n n f o u r j"));
        List<Hypothesis> h =
            tr.translate(List.of(words), DecodeOptions.beam(5).withAttention(true)).get(0);
        Path map = out.resolve("attention.svg");
        AttentionMap.writeSvg(
            map,
            tok.tokenize("r n n f o u r j"),
            tgt.decode(h.get(0).tokens()),
            h.get(0).attention());
        System.out.println(
            "\"rnnfourj\" -> "
                + String.join(" ", tgt.decode(h.get(0).tokens()))
                + "   (attention heat-map: "
                + map
                + ")");
        System.out.println(
            "loss curve: "
                + out.resolve("loss.svg")
                + "; model: "
                + out.resolve("best")
                + " (try: scripts/rnn4j translate --model "
                + out.resolve("best")
                + ")");
      }
    }
    Files.createDirectories(out);
    return 0;
  }
}
