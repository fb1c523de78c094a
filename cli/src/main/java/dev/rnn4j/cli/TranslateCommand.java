package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.data.LineReader;
import dev.rnn4j.data.UnkReplacement;
import dev.rnn4j.seq2seq.AttentionMap;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Translator;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description = {
      "Translate lines (stdin or --input) with a trained model; one output per line.",
      "Works as a pipe filter: lines are read and translated a batch at a time and each batch is"
          + " written (and flushed) before waiting for more input.",
      "A line that cannot be translated (not valid UTF-8, longer than --max-input-tokens or"
          + " --max-line-bytes) is reported on stderr with its line number and byte offset and"
          + " gets an empty output line, so outputs stay aligned with inputs; the other lines are"
          + " translated. With --truncate, over-long lines are cut and translated instead."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:every line was translated",
      "1:some lines could not be translated (each is reported on stderr)",
      "2:error: bad option, unreadable model or input"
    })
final class TranslateCommand implements Callable<Integer> {
  /** Exit code when some lines were reported and left empty. */
  static final int SOME_LINES_FAILED = 1;

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
      description =
          "inputs decoded together (default 64); a smaller batch is decoded when no more input"
              + " is waiting")
  int batchSize;

  @Option(
      names = "--max-input-tokens",
      defaultValue = "512",
      description =
          "longest input in source tokens (default 512); a longer line is reported and left"
              + " empty, or cut with --truncate")
  int maxInputTokens;

  @Option(
      names = "--max-line-bytes",
      defaultValue = "65536",
      description =
          "longest input line in bytes kept in memory (default 65536); the rest of a longer"
              + " line is read past without being stored, and the line is reported and left"
              + " empty, or cut with"
              + " --truncate")
  int maxLineBytes;

  @Option(
      names = "--truncate",
      description =
          "translate the first --max-input-tokens tokens (of the first --max-line-bytes bytes)"
              + " of an over-long line instead of leaving it empty; each cut line is reported on"
              + " stderr but does not fail the run")
  boolean truncate;

  @Option(
      names = "--attention-map",
      description = "write the first input's attention heat-map (SVG)")
  Path attentionMap;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Mixin ConstraintOptions constraints = new ConstraintOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    checkLimits();
    DecodeOptions opts =
        constraints.apply(
            new DecodeOptions(
                beam, lengthPenalty, maxLenRatio, 10, nBest, attentionMap != null, batchSize));
    try (Backend be = backendOptions.open();
        ModelDirectory.Loaded m = ModelDirectory.load(model, be);
        InputStream in = input == null ? nonClosing(System.in) : Files.newInputStream(input);
        Writer w =
            output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      String name = input == null ? "stdin" : input.toString();
      Run run = new Run(m, new Translator(m.model()), opts, w, name);
      LineReader lines = new LineReader(in, maxLineBytes);
      List<Pending> batch = new ArrayList<>();
      for (LineReader.Line line; (line = lines.next()) != null; ) {
        batch.add(run.prepare(line));
        if (batch.size() >= batchSize || !lines.ready()) {
          run.translate(batch);
          batch.clear();
        }
      }
      run.translate(batch);
      if (attentionMap != null && run.first != null) {
        AttentionMap.writeSvg(
            attentionMap,
            run.firstTokens,
            m.targetVocab().decode(run.first.tokens()),
            run.first.attention());
        System.err.println("attention map written to " + attentionMap);
      }
      if (run.failed > 0) {
        System.err.println(
            "rnn4j: "
                + run.failed
                + " of "
                + run.lines
                + " lines could not be translated and were left empty (see above)");
        return SOME_LINES_FAILED;
      }
    }
    return 0;
  }

  private void checkLimits() {
    if (batchSize < 1) {
      throw new ParameterException(
          spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
    }
    if (maxInputTokens < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-input-tokens must be >= 1, got " + maxInputTokens);
    }
    if (maxLineBytes < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-line-bytes must be >= 1, got " + maxLineBytes);
    }
  }

  /** stdin must stay open for the caller (and for tests that run commands in-process). */
  private static InputStream nonClosing(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  /** One input line: its source ids, or null if it gets an empty output line. */
  /** A line read: its ids (null when it is not translated), tokens, and copy vocabulary or null. */
  private record Pending(long number, int[] ids, List<String> tokens, CopyVocabulary copy) {}

  /** State of one translate run: counts, the first hypothesis for the attention map. */
  private final class Run {
    final ModelDirectory.Loaded m;
    final Translator tr;
    final DecodeOptions opts;
    final Writer w;
    final String name;
    long lines;
    long failed;
    Hypothesis first;
    List<String> firstTokens;

    Run(ModelDirectory.Loaded m, Translator tr, DecodeOptions opts, Writer w, String name) {
      this.m = m;
      this.tr = tr;
      this.opts = opts;
      this.w = w;
      this.name = name;
    }

    /** Tokenizes a line, or reports why it cannot be translated. */
    Pending prepare(LineReader.Line line) {
      lines++;
      long no = line.number();
      if (line.text() == null) {
        return fail(
            no,
            "not valid UTF-8 at byte offset "
                + line.malformedAt()
                + " (the line starts at byte "
                + line.offset()
                + "); wrote an empty line");
      }
      if (line.tooLong() && !truncate) {
        return fail(
            no,
            line.length()
                + " bytes, more than --max-line-bytes "
                + maxLineBytes
                + "; wrote an empty line (--truncate translates the start of it instead)");
      }
      String text = line.text();
      int tab = text.indexOf('\t');
      if (tab >= 0) {
        text = text.substring(0, tab);
      }
      List<String> tokens = m.sourceTokenizer().tokenize(text);
      if (tokens.size() > maxInputTokens) {
        if (!truncate) {
          return fail(
              no,
              tokens.size()
                  + " tokens, more than --max-input-tokens "
                  + maxInputTokens
                  + "; wrote an empty line (--truncate translates the first "
                  + maxInputTokens
                  + " instead)");
        }
        report(
            no,
            tokens.size() + " tokens, translating the first " + maxInputTokens + " (--truncate)");
        tokens = List.copyOf(tokens.subList(0, maxInputTokens));
      } else if (line.tooLong()) {
        report(
            no, line.length() + " bytes, translating the first " + maxLineBytes + " (--truncate)");
      }
      if (tokens.isEmpty()) {
        return new Pending(no, null, tokens, null);
      }
      if (m.model().config().copyAttention()) {
        CopyVocabulary cv = CopyVocabulary.of(m.sourceVocab(), tokens);
        return new Pending(no, cv.sourceIds(), tokens, cv);
      }
      return new Pending(no, m.sourceVocab().encode(tokens), tokens, null);
    }

    private Pending fail(long no, String why) {
      failed++;
      report(no, why);
      return new Pending(no, null, List.of(), null);
    }

    private void report(long no, String what) {
      System.err.println("rnn4j: " + name + ": line " + no + ": " + what);
    }

    /** Translates the lines with ids, writes one output (or n-best list) per line, flushes. */
    void translate(List<Pending> batch) throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      List<int[]> src = new ArrayList<>();
      for (Pending p : batch) {
        if (p.ids() != null) {
          src.add(p.ids());
        }
      }
      List<List<Hypothesis>> out = src.isEmpty() ? List.of() : tr.translate(src, opts);
      int k = 0;
      for (Pending p : batch) {
        if (p.ids() == null) {
          w.write('\n');
          continue;
        }
        List<Hypothesis> hs = out.get(k++);
        if (first == null) {
          first = hs.get(0);
          firstTokens = p.tokens();
        }
        for (Hypothesis h : hs) {
          List<String> toks =
              p.copy() != null ? p.copy().decode(h.tokens()) : m.targetVocab().decode(h.tokens());
          if (constraints.replaceUnk) {
            toks = UnkReplacement.replace(toks, h.attention(), p.tokens());
          }
          String text = m.targetTokenizer().detokenize(toks);
          w.write(
              nBest > 1
                  ? String.format(
                      Locale.ROOT, "%d ||| %s ||| %.4f", p.number() - 1, text, h.score())
                  : text);
          w.write('\n');
        }
      }
      w.flush();
    }
  }
}
