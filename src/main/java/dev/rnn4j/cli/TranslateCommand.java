package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.seq2seq.AttentionMap;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Translator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description = "Translate lines (stdin or --input) with a trained model; one output per line.")
final class TranslateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model directory (e.g. run/best)")
  Path model;

  @Option(names = "--input", description = "input file (default: stdin); text before a TAB is used")
  Path input;

  @Option(names = "--output", description = "output file (default: stdout)")
  Path output;

  @Option(names = "--beam", defaultValue = "5", description = "beam size (1: greedy)")
  int beam;

  @Option(names = "--n-best", defaultValue = "1", description = "outputs per input")
  int nBest;

  @Option(
      names = "--length-penalty",
      defaultValue = "0.6",
      description =
          "beam search: α of the length normalisation score / ((5 + len) / 6)^α; 0 ranks by"
              + " total log-probability (default 0.6)")
  float lengthPenalty;

  @Option(
      names = "--max-length-ratio",
      defaultValue = "2.0",
      description = "an output stops after ratio × input length + 10 tokens (default 2.0)")
  float maxLenRatio;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "inputs decoded together (default 64)")
  int batchSize;

  @Option(
      names = "--attention-map",
      description = "write the first input's attention heat-map (SVG)")
  Path attentionMap;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Override
  public Integer call() throws Exception {
    DecodeOptions opts =
        new DecodeOptions(
            beam, lengthPenalty, maxLenRatio, 10, nBest, attentionMap != null, batchSize);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        input == null
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      for (String l; (l = r.readLine()) != null; ) {
        int tab = l.indexOf('\t');
        lines.add(tab >= 0 ? l.substring(0, tab) : l);
      }
    }
    try (Backend be = backendOptions.open();
        ModelDirectory.Loaded m = ModelDirectory.load(model, be);
        Writer w =
            output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      Translator tr = new Translator(m.model());
      List<int[]> src = new ArrayList<>();
      List<Integer> nonEmpty = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        int[] ids = m.sourceVocab().encode(m.sourceTokenizer().tokenize(lines.get(i)));
        if (ids.length > 0) {
          src.add(ids);
          nonEmpty.add(i);
        }
      }
      List<List<Hypothesis>> out = tr.translate(src, opts);
      int k = 0;
      for (int i = 0; i < lines.size(); i++) {
        if (k < nonEmpty.size() && nonEmpty.get(k) == i) {
          List<Hypothesis> hs = out.get(k++);
          for (Hypothesis h : hs) {
            String text = m.targetTokenizer().detokenize(m.targetVocab().decode(h.tokens()));
            w.write(
                nBest > 1
                    ? String.format(Locale.ROOT, "%d ||| %s ||| %.4f", i, text, h.score())
                    : text);
            w.write('\n');
          }
        } else {
          w.write('\n');
        }
      }
      w.flush();
      if (attentionMap != null && !src.isEmpty()) {
        Hypothesis h = out.get(0).get(0);
        AttentionMap.writeSvg(
            attentionMap,
            m.sourceTokenizer().tokenize(lines.get(nonEmpty.get(0))),
            m.targetVocab().decode(h.tokens()),
            h.attention());
        System.err.println("attention map written to " + attentionMap);
      }
    }
    return 0;
  }
}
