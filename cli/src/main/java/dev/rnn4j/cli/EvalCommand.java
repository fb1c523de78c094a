package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.data.SentencePair;
import dev.rnn4j.data.UnkReplacement;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.Json;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.metrics.TextMetrics;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
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
    description =
        "Decode every pair of a test TSV and score the outputs: WER, PER, token and sequence"
            + " accuracy over tokens; BLEU and chrF (as sacreBLEU computes them) and ROUGE-1/2/L F1"
            + " (as rouge-score does) over the detokenised text against the references.")
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
      defaultValue = "0",
      description =
          "refuse the test file if a side of a pair has more tokens than this, listing them"
              + " (default 0: no limit; every pair is decoded, none is skipped)")
  int maxLength;

  @Option(
      names = "--output",
      description = "also write the outputs (detokenised, one per test line, in order) here")
  Path output;

  @Option(names = "--json", description = "print the results as one JSON object")
  boolean json;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Mixin ConstraintOptions constraints = new ConstraintOptions();

  @Option(
      names = "--multi-reference",
      description =
          "lines with the same source are alternative references (e.g. a word's pronunciations):"
              + " each source is decoded once and scored against its closest reference (text"
              + " metrics: against all of them)")
  boolean multiReference;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(test)) {
      throw new IllegalArgumentException(test + ": no such readable file");
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException(
          "--max-length must be >= 0 (0: no limit), got " + maxLength);
    }
    DecodeOptions opts =
        constraints.apply(
            new DecodeOptions(beam, beam == 1 ? 0f : lengthPenalty, 2f, 10, 1, false, 64));
    try (Backend be = backendOptions.open();
        ModelDirectory.Loaded m = ModelDirectory.load(model, be)) {
      List<SentencePair> pairs = new ArrayList<>();
      var report =
          Corpus.reader(
                  m.sourceTokenizer(),
                  m.targetTokenizer(),
                  maxLength == 0 ? Integer.MAX_VALUE : maxLength)
              .read(test, pairs::add);
      if (report.rejected() > 0) {
        throw new IllegalArgumentException(
            report.summary()
                + "; eval scores every line of a test set, so fix or remove these lines"
                + (maxLength > 0 ? " (or raise --max-length)" : ""));
      }
      if (pairs.isEmpty()) {
        throw new IllegalArgumentException(test + ": no test pairs (source<TAB>reference)");
      }
      // Sources in order of first appearance, each with its lines (one line each unless
      // --multi-reference groups lines with the same source).
      Map<String, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < pairs.size(); i++) {
        String key = multiReference ? pairs.get(i).source() : Integer.toString(i);
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
      List<int[]> sources = new ArrayList<>();
      List<List<String>> sourceTokens = new ArrayList<>();
      List<CopyVocabulary> copies = new ArrayList<>(); // with copy attention, else empty
      boolean copy = m.model().config().copyAttention();
      List<List<int[]>> refIds = new ArrayList<>();
      List<List<String>> refTexts = new ArrayList<>();
      for (List<Integer> lines : groups.values()) {
        SentencePair first = pairs.get(lines.get(0));
        List<String> srcTokens = m.sourceTokenizer().tokenize(first.source());
        sourceTokens.add(srcTokens);
        CopyVocabulary cv = copy ? CopyVocabulary.of(m.sourceVocab(), srcTokens) : null;
        if (copy) {
          copies.add(cv);
        }
        sources.add(copy ? cv.sourceIds() : m.sourceVocab().encode(srcTokens));
        List<int[]> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i : lines) {
          List<String> ref = m.targetTokenizer().tokenize(pairs.get(i).target());
          ids.add(copy ? cv.encodeTarget(ref) : m.targetVocab().encode(ref));
          texts.add(pairs.get(i).target());
        }
        refIds.add(ids);
        refTexts.add(texts);
      }
      long t0 = System.nanoTime();
      List<List<Hypothesis>> decoded = new Translator(m.model()).translate(sources, opts);
      double secs = (System.nanoTime() - t0) / 1e9;
      List<int[]> hyps = new ArrayList<>(decoded.size());
      List<String> hypTexts = new ArrayList<>(decoded.size());
      for (int i = 0; i < decoded.size(); i++) {
        Hypothesis h = decoded.get(i).get(0);
        hyps.add(h.tokens());
        List<String> toks =
            copy ? copies.get(i).decode(h.tokens()) : m.targetVocab().decode(h.tokens());
        if (constraints.replaceUnk) {
          toks = UnkReplacement.replace(toks, h.attention(), sourceTokens.get(i));
        }
        hypTexts.add(m.targetTokenizer().detokenize(toks));
      }
      if (output != null) {
        StringBuilder sb = new StringBuilder();
        for (String h : hypTexts) {
          sb.append(h).append('\n');
        }
        AtomicFiles.writeString(output, sb.toString());
      }
      Scores s = Scores.ofMultiReference(hyps, refIds);
      Map<String, TextMetrics.Result> text = new LinkedHashMap<>();
      for (String name : List.of("bleu", "chrf", "rouge1", "rouge2", "rougeL")) {
        text.put(name, TextMetrics.score(name, hypTexts, refTexts));
      }
      if (json) {
        System.out.println(Json.write(results(s, text, hyps.size(), pairs.size(), secs)));
      } else {
        printText(s, text, hyps.size(), pairs.size(), secs);
      }
    }
    return 0;
  }

  private Map<String, Object> results(
      Scores s, Map<String, TextMetrics.Result> text, int sources, int lines, double secs) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("test", test.toString());
    j.put("model", model.toString());
    j.put("sources", sources);
    j.put("references", lines);
    j.put("beam", beam);
    j.put("length_penalty", beam == 1 ? 0.0 : (double) lengthPenalty);
    j.put("wer", 100 * s.wordErrorRate());
    j.put("per", 100 * s.phonemeErrorRate());
    j.put("token_accuracy", 100 * s.tokenAccuracy());
    j.put("sequence_accuracy", 100 * s.sequenceAccuracy());
    for (Map.Entry<String, TextMetrics.Result> e : text.entrySet()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("score", e.getValue().score());
      r.put("signature", e.getValue().signature());
      j.put(e.getKey(), r);
    }
    j.put("decode_seconds", secs);
    j.put("sentences_per_second", sources / Math.max(1e-9, secs));
    return j;
  }

  private void printText(
      Scores s, Map<String, TextMetrics.Result> text, int sources, int lines, double secs) {
    String what =
        multiReference
            ? String.format(Locale.ROOT, "%d sources (%d references)", sources, lines)
            : sources + " pairs";
    System.out.printf(
        Locale.ROOT,
        "%s: %s, beam %d: WER %.2f%%  PER %.2f%%  token acc %.2f%%  sequence acc %.2f%%"
            + "  (%.1f s, %.1f sentences/s)%n",
        test,
        what,
        beam,
        100 * s.wordErrorRate(),
        100 * s.phonemeErrorRate(),
        100 * s.tokenAccuracy(),
        100 * s.sequenceAccuracy(),
        secs,
        sources / Math.max(1e-9, secs));
    System.out.printf(
        Locale.ROOT,
        "BLEU %.2f  chrF %.2f  ROUGE-1/2/L F1 %.2f/%.2f/%.2f%n  %s%n  %s%n",
        text.get("bleu").score(),
        text.get("chrf").score(),
        text.get("rouge1").score(),
        text.get("rouge2").score(),
        text.get("rougeL").score(),
        text.get("bleu").signature(),
        text.get("chrf").signature());
  }
}
