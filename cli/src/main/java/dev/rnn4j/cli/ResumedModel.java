package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What {@code train --resume DIR} takes from the checkpoint — the tokenizers, vocabularies and
 * model configuration — once the options given for the run are found to agree with it.
 *
 * <p>On the command line, a tokenizer or vocabulary option ({@link #FIXED}) is refused outright and
 * a model option only where its value differs from the checkpoint's. From a run file (which names
 * every option), model options and the tokenizer kinds are refused only where they differ from the
 * checkpoint's, and the vocabulary options the checkpoint does not record ({@code bpe-merges},
 * {@code min-freq}, {@code max-vocab}, {@code vocab-size}, ...) are not used.
 */
record ResumedModel(
    Tokenizer srcTok,
    Tokenizer tgtTok,
    Vocabulary srcVocab,
    Vocabulary tgtVocab,
    Seq2SeqConfig config,
    String srcTokenizer,
    String tgtTokenizer) {

  /** Options that cannot be given on the command line with --resume. */
  static final List<String> FIXED =
      List.of(
          "--src-tokenizer",
          "--tgt-tokenizer",
          "--bpe-merges",
          "--min-freq",
          "--max-vocab",
          "--joint-vocab");

  /**
   * Loads the checkpoint {@code resume} after checking the options: {@code onCommandLine} tells
   * which were given on the command line, {@code fromFile} which came from the run file {@code
   * file} (null if none); {@code srcTokenizer} and {@code tgtTokenizer} are the tokenizer options'
   * values. Sets {@code model} to the checkpoint's configuration.
   *
   * @throws IllegalArgumentException naming the first option that contradicts the checkpoint
   */
  static ResumedModel load(
      Path resume,
      ModelOptions model,
      Predicate<String> onCommandLine,
      Set<String> fromFile,
      Path file,
      String srcTokenizer,
      String tgtTokenizer)
      throws IOException {
    for (String fixed : FIXED) {
      if (onCommandLine.test(fixed)) {
        throw new IllegalArgumentException(
            fixed
                + " cannot change when resuming: the tokenizers and vocabularies come from "
                + resume
                + "; leave it out");
      }
    }
    String from = resume.resolve("config.json").toString();
    try (Backend probe = Backends.create("cpu");
        ModelDirectory.Loaded l = ModelDirectory.load(resume, probe)) {
      String[][] kinds = {
        {"--src-tokenizer", srcTokenizer, ModelDirectory.tokenizerName(l.sourceTokenizer())},
        {"--tgt-tokenizer", tgtTokenizer, ModelDirectory.tokenizerName(l.targetTokenizer())}
      };
      for (String[] k : kinds) {
        if (fromFile.contains(k[0]) && !k[1].equals(k[2])) {
          throw new IllegalArgumentException(
              file
                  + ": "
                  + k[0]
                  + " "
                  + k[1]
                  + " contradicts the checkpoint being resumed ("
                  + from
                  + " has "
                  + k[2]
                  + "); remove it from the file to resume, or train a new model into another"
                  + " --out");
        }
      }
      Seq2SeqConfig saved = l.model().config();
      model.resumed(saved, onCommandLine, from);
      try {
        model.resumed(saved, fromFile::contains, from);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      model.adopt(saved);
      return new ResumedModel(
          l.sourceTokenizer(),
          l.targetTokenizer(),
          l.sourceVocab(),
          l.targetVocab(),
          saved,
          kinds[0][2],
          kinds[1][2]);
    }
  }
}
