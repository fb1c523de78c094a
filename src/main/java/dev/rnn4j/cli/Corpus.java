package dev.rnn4j.cli;

import dev.rnn4j.data.CorpusReport;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.ParallelCorpusReader;
import dev.rnn4j.data.SentencePair;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tokenized parallel corpus read from a TSV file, with the reader's report. */
record Corpus(List<List<String>> sources, List<List<String>> targets, CorpusReport report) {

  static Corpus read(
      Path file,
      InputStream in,
      String name,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      int maxLength,
      PrintStream log)
      throws IOException {
    List<List<String>> src = new ArrayList<>();
    List<List<String>> tgt = new ArrayList<>();
    ParallelCorpusReader reader =
        new ParallelCorpusReader(
            maxLength,
            s -> srcTok.tokenize(s).size(),
            ParallelCorpusReader.DEFAULT_MAX_LINE_BYTES,
            ParallelCorpusReader.DEFAULT_LISTED_LINES);
    java.util.function.Consumer<SentencePair> sink =
        p -> {
          src.add(srcTok.tokenize(p.source()));
          tgt.add(tgtTok.tokenize(p.target()));
        };
    CorpusReport report = file != null ? reader.read(file, sink) : reader.read(in, name, sink);
    if (report.rejected() > 0) {
      log.println(report.summary());
    }
    if (src.isEmpty()) {
      throw new IllegalArgumentException(
          (file != null ? file : name) + ": no usable lines (expected source<TAB>target per line)");
    }
    return new Corpus(src, tgt, report);
  }

  List<Example> encode(Vocabulary srcVocab, Vocabulary tgtVocab) {
    List<Example> out = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      out.add(new Example(srcVocab.encode(sources.get(i)), tgtVocab.encode(targets.get(i))));
    }
    return out;
  }

  int size() {
    return sources.size();
  }
}
