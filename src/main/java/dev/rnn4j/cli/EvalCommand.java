package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Example;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Translator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Decode a test TSV and print WER, PER, token/sequence accuracy and BLEU.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model directory (e.g. run/best)")
  Path model;

  @Option(names = "--test", required = true, description = "test TSV (source<TAB>reference)")
  Path test;

  @Option(names = "--beam", defaultValue = "1", description = "beam size (1: greedy)")
  int beam;

  @Option(
      names = "--length-penalty",
      defaultValue = "0.6",
      description =
          "beam search: α of the length normalisation score / ((5 + len) / 6)^α; 0 ranks by"
              + " total log-probability (default 0.6)")
  float lengthPenalty;

  @Option(
      names = "--max-length",
      defaultValue = "100",
      description =
          "test pairs with a longer side (in tokens) are skipped and reported (default 100)")
  int maxLength;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Option(
      names = "--multi-reference",
      description =
          "lines with the same source are alternative references (e.g. a word's pronunciations):"
              + " each source is decoded once and scored against its closest reference")
  boolean multiReference;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(test)) {
      throw new IllegalArgumentException(test + ": no such readable file");
    }
    DecodeOptions opts =
        new DecodeOptions(beam, beam == 1 ? 0f : lengthPenalty, 2f, 10, 1, false, 64);
    try (Backend be = backendOptions.open();
        ModelDirectory.Loaded m = ModelDirectory.load(model, be)) {
      Corpus c =
          Corpus.read(
              test, null, null, m.sourceTokenizer(), m.targetTokenizer(), maxLength, System.err);
      List<Example> ex = c.encode(m.sourceVocab(), m.targetVocab());
      long t0 = System.nanoTime();
      Scores s;
      String what;
      if (multiReference) {
        // Sources in order of first appearance, each with all of its lines' targets.
        Map<List<String>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < c.size(); i++) {
          groups.computeIfAbsent(c.sources().get(i), k -> new ArrayList<>()).add(i);
        }
        List<int[]> sources = new ArrayList<>();
        List<List<int[]>> refs = new ArrayList<>();
        for (List<Integer> lines : groups.values()) {
          sources.add(ex.get(lines.get(0)).source());
          List<int[]> r = new ArrayList<>();
          for (int i : lines) {
            r.add(ex.get(i).target());
          }
          refs.add(r);
        }
        s = Scores.ofMultiReference(new Translator(m.model()).best(sources, opts), refs);
        what = String.format(Locale.ROOT, "%d sources (%d references)", s.sequences(), ex.size());
      } else {
        s = TrainRun.score(m.model(), ex, opts);
        what = s.sequences() + " pairs";
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%s: %s, beam %d: WER %.2f%%  PER %.2f%%  token acc %.2f%%  sequence acc %.2f%%"
              + "  BLEU %.2f  (%.1f s)%n",
          test,
          what,
          beam,
          100 * s.wordErrorRate(),
          100 * s.phonemeErrorRate(),
          100 * s.tokenAccuracy(),
          100 * s.sequenceAccuracy(),
          100 * s.bleu(),
          secs);
    }
    return 0;
  }
}
