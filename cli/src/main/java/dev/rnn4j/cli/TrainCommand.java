package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.BpeTokenizer;
import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.ParallelCorpusReader;
import dev.rnn4j.data.SubwordTokenizer;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.train.DevMetric;
import dev.rnn4j.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train an encoder-decoder on a tab-separated parallel corpus (source<TAB>target).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--train", description = "training TSV file (required)")
  Path train;

  @Option(names = "--dev", description = "validation TSV file (required)")
  Path dev;

  @Option(
      names = "--out",
      description = "run directory (best/, last/, loss.svg, run.yaml) (required)")
  Path out;

  @Option(
      names = RunConfig.CONFIG,
      paramLabel = "FILE",
      description =
          "read options from a run file, YAML (`epochs: 10` lines) or JSON (one object): keys are"
              + " the long options without the dashes; options given on the command line override"
              + " the file; relative paths in it are relative to its directory. Every run writes"
              + " its settings to OUT/run.yaml")
  Path configFile;

  @Option(
      names = RunConfig.DUMP_CONFIG,
      arity = "0..1",
      fallbackValue = "yaml",
      paramLabel = "FORMAT",
      description =
          "print every option's value (from the command line, --config and the defaults; the"
              + " checkpoint's model with --resume) as a run file, yaml or json (default yaml),"
              + " and exit without training")
  String dumpConfig;

  @Option(
      names = "--resume",
      description =
          "continue from a checkpoint directory (e.g. run/last): the model's shape, tokenizers"
              + " and vocabularies come from it; a model option that contradicts it is refused (in"
              + " a --config file, vocabulary options such as min-freq are not used)")
  Path resume;

  @Option(
      names = "--src-tokenizer",
      defaultValue = "whitespace",
      description =
          "char, whitespace, subword (SentencePiece-style BPE learned to --vocab-size, text"
              + " restored exactly) or bpe (the older whitespace-split BPE, --bpe-merges)")
  String srcTokenizer;

  @Option(
      names = "--tgt-tokenizer",
      defaultValue = "whitespace",
      description = "as --src-tokenizer, for the targets")
  String tgtTokenizer;

  @Option(names = "--bpe-merges", defaultValue = "8000", description = "merges of learned BPE")
  int bpeMerges;

  @Option(
      names = "--vocab-size",
      defaultValue = "16000",
      description = "subword: pieces learned per model, base characters included (default 16000)")
  int vocabSize;

  @Option(
      names = "--joint-subwords",
      description = "subword: learn one model on both sides (both tokenizers must be subword)")
  boolean jointSubwords;

  @Option(
      names = "--joint-vocab",
      description =
          "one vocabulary built from both sides (implied by --share-embeddings and"
              + " --copy-attention)")
  boolean jointVocab;

  @Option(
      names = "--subword-model",
      description =
          "subword: use this learned model (a .spm file from an earlier run, e.g. RUN/source.spm)"
              + " for every subword side instead of learning one")
  Path subwordModel;

  @Option(
      names = "--min-freq",
      defaultValue = "1",
      description = "rarer tokens map to UNK in the vocabularies (default 1: keep all)")
  int minFreq;

  @Option(
      names = "--max-vocab",
      defaultValue = "50000",
      description =
          "most frequent tokens kept per vocabulary, PAD/BOS/EOS/UNK included (default 50000)")
  int maxVocab;

  @Option(names = "--max-length", defaultValue = "100", description = "longer pairs are skipped")
  int maxLength;

  @Mixin ModelOptions model;

  @Option(names = "--batch-size", defaultValue = "64", description = "pairs per batch (default 64)")
  int batchSize;

  @Mixin TrainingOptions training;

  @Option(names = "--accumulate", defaultValue = "1", description = "batches per update")
  int accumulate;

  @Option(
      names = "--time-limit",
      defaultValue = "0",
      description =
          "end the run within this many minutes (all sessions of a resumed run, dev evaluations"
              + " included): checked after every update, then the model is evaluated and saved,"
              + " mid-epoch if need be (--resume continues there); the cosine-time schedule runs"
              + " over it (0: none)")
  double timeLimitMinutes;

  @Option(
      names = "--dev-metric",
      defaultValue = "wer",
      description =
          "what each epoch is judged by (best/ checkpoint, plateau decay, early stopping), on"
              + " greedy decodings of the dev sample: wer or per (over tokens), or bleu, chrf,"
              + " chrf++, rouge1, rouge2, rougeL (sacreBLEU / rouge-score compatible, over"
              + " detokenised text against the dev file's targets); default wer")
  String devMetric;

  @Option(
      names = "--save-every",
      defaultValue = "0",
      description = "also save OUT/last every N updates within an epoch (0: at epoch ends only)")
  long saveEvery;

  @Option(
      names = "--keep-epochs",
      defaultValue = "0",
      description =
          "also keep the model after each of the last N epochs as OUT/epoch-NNN, for"
              + " `rnn4j average` (0: none)")
  int keepEpochs;

  @Option(
      names = "--divergence-patience",
      defaultValue = "10",
      description =
          "an update whose loss or gradient is NaN or infinite is skipped; after N skipped in a"
              + " row (or a non-finite weight) training stops with exit code 3, keeping the"
              + " checkpoints saved before (default 10)")
  int divergencePatience;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Spec CommandSpec spec;

  static Tokenizer tokenizer(String name, String option, List<String> texts, int merges) {
    return switch (name) {
      case "char" -> new CharTokenizer();
      case "whitespace" -> new WhitespaceTokenizer();
      case "bpe" -> BpeTokenizer.learn(texts, merges);
      default ->
          throw new IllegalArgumentException(
              option + ": unknown tokenizer '" + name + "'; use char, whitespace, subword or bpe");
    };
  }

  private static final List<String> TOKENIZERS = List.of("char", "whitespace", "subword", "bpe");

  /**
   * The subword models of the sides whose tokenizer is "subword": loaded from --subword-model,
   * learned jointly on both sides, or learned per side; written into the run directory as
   * source.spm / target.spm so a later run can reuse them.
   */
  private Tokenizer[] subwords(List<String> srcTexts, List<String> tgtTexts)
      throws java.io.IOException {
    boolean src = srcTokenizer.equals("subword");
    boolean tgt = tgtTokenizer.equals("subword");
    Tokenizer[] models = new Tokenizer[2];
    if (subwordModel != null) {
      SubwordTokenizer m = SubwordTokenizer.load(subwordModel);
      models[0] = src ? m : null;
      models[1] = tgt ? m : null;
      return models;
    }
    long t0 = System.nanoTime();
    if (jointSubwords) {
      SubwordTokenizer m =
          SubwordTokenizer.learnJoint(
              List.of(srcTexts, tgtTexts), vocabSize, SubwordTokenizer.DEFAULT_CHARACTER_COVERAGE);
      models[0] = m;
      models[1] = m;
    } else {
      models[0] = src ? SubwordTokenizer.learn(srcTexts, vocabSize) : null;
      models[1] = tgt ? SubwordTokenizer.learn(tgtTexts, vocabSize) : null;
    }
    Files.createDirectories(out);
    if (models[0] != null) {
      ((SubwordTokenizer) models[0]).save(this.out.resolve("source.spm"));
    }
    if (models[1] != null) {
      ((SubwordTokenizer) models[1]).save(this.out.resolve("target.spm"));
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "subwords: %s learned in %.1f s (%s)%n",
        jointSubwords ? "one joint model" : "a model per side",
        (System.nanoTime() - t0) / 1e9,
        this.out.resolve(jointSubwords || models[0] != null ? "source.spm" : "target.spm"));
    return models;
  }

  @Override
  public Integer call() throws Exception {
    if (dumpConfig != null) {
      RunConfig.checkFormat(dumpConfig);
    }
    Set<String> fromFile = configFile != null ? RunConfig.apply(spec, configFile) : Set.of();
    ResumedModel resumed = null;
    if (resume != null) {
      resumed =
          ResumedModel.load(
              resume,
              model,
              spec.commandLine().getParseResult()::hasMatchedOption,
              fromFile,
              configFile,
              srcTokenizer,
              tgtTokenizer);
      srcTokenizer = resumed.srcTokenizer();
      tgtTokenizer = resumed.tgtTokenizer();
    }
    if (dumpConfig != null) {
      System.out.print(RunConfig.dump(spec, dumpConfig));
      return 0;
    }
    for (Object[] required : new Object[][] {{"--train", train}, {"--dev", dev}, {"--out", out}}) {
      if (required[1] == null) {
        throw new IllegalArgumentException(
            required[0] + " is required (on the command line or in the --config file)");
      }
    }
    for (Path p : new Path[] {train, dev}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException(p + ": no such readable file");
      }
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    }
    if (divergencePatience < 1) {
      throw new IllegalArgumentException(
          "--divergence-patience must be >= 1 (skipped updates in a row before stopping), got "
              + divergencePatience);
    }
    if (saveEvery < 0) {
      throw new IllegalArgumentException(
          "--save-every must be >= 0 (0: at epoch ends only), got " + saveEvery);
    }
    if (!DevMetric.NAMES.contains(devMetric)) {
      throw new IllegalArgumentException(
          "--dev-metric: unknown metric '"
              + devMetric
              + "'; use one of "
              + String.join(", ", DevMetric.NAMES));
    }
    TrainOptions opts = training.options(accumulate, training.seed());
    int devMetricLimit = training.devMetricLimit();
    Tokenizer srcTok;
    Tokenizer tgtTok;
    Vocabulary srcVocab;
    Vocabulary tgtVocab;
    Seq2SeqConfig config = null;
    if (resumed != null) {
      srcTok = resumed.srcTok();
      tgtTok = resumed.tgtTok();
      srcVocab = resumed.srcVocab();
      tgtVocab = resumed.tgtVocab();
      config = resumed.config();
    } else {
      for (String[] t :
          new String[][] {{"--src-tokenizer", srcTokenizer}, {"--tgt-tokenizer", tgtTokenizer}}) {
        if (!TOKENIZERS.contains(t[1])) {
          throw new IllegalArgumentException(
              t[0] + ": unknown tokenizer '" + t[1] + "'; use char, whitespace, subword or bpe");
        }
      }
      boolean anySubword = srcTokenizer.equals("subword") || tgtTokenizer.equals("subword");
      if (jointSubwords && !(srcTokenizer.equals("subword") && tgtTokenizer.equals("subword"))) {
        throw new IllegalArgumentException(
            "--joint-subwords needs --src-tokenizer subword and --tgt-tokenizer subword");
      }
      if ((subwordModel != null || jointSubwords) && !anySubword) {
        throw new IllegalArgumentException(
            (subwordModel != null ? "--subword-model" : "--joint-subwords")
                + " applies to subword tokenizers; set --src-tokenizer/--tgt-tokenizer subword");
      }
      if (subwordModel != null && !Files.isReadable(subwordModel)) {
        throw new IllegalArgumentException(
            subwordModel + ": no such readable file (--subword-model)");
      }
      List<String> srcTexts = new ArrayList<>();
      List<String> tgtTexts = new ArrayList<>();
      boolean learn = srcTokenizer.equals("bpe") || tgtTokenizer.equals("bpe");
      learn |= anySubword && subwordModel == null;
      if (learn) {
        new ParallelCorpusReader(
                Integer.MAX_VALUE, String::length, ParallelCorpusReader.DEFAULT_MAX_LINE_BYTES, 0)
            .read(
                train,
                p -> {
                  srcTexts.add(p.source());
                  tgtTexts.add(p.target());
                });
      }
      Tokenizer[] sw = anySubword ? subwords(srcTexts, tgtTexts) : new Tokenizer[2];
      srcTok =
          sw[0] != null ? sw[0] : tokenizer(srcTokenizer, "--src-tokenizer", srcTexts, bpeMerges);
      tgtTok =
          sw[1] != null ? sw[1] : tokenizer(tgtTokenizer, "--tgt-tokenizer", tgtTexts, bpeMerges);
      srcVocab = null;
      tgtVocab = null;
    }
    // The training file is streamed twice (token counts, then ids) and only its ids are kept, so
    // corpora far larger than their token strings would be fit in the heap (learning BPE merges
    // above is the exception: it holds the texts while it learns).
    if (srcVocab == null) {
      Corpus.Counts counts = Corpus.count(train, srcTok, tgtTok, maxLength);
      if (jointVocab || model.needsJointVocabulary()) {
        srcVocab = Vocabulary.buildJoint(counts.sources(), counts.targets(), minFreq, maxVocab);
        tgtVocab = srcVocab;
      } else {
        srcVocab = Vocabulary.build(counts.sources(), minFreq, maxVocab);
        tgtVocab = Vocabulary.build(counts.targets(), minFreq, maxVocab);
      }
    }
    Seq2SeqConfig shape = config != null ? config : model.config(srcVocab.size(), tgtVocab.size());
    // With copy attention each pair reads its source's extended vocabulary (source-only words).
    Corpus.Encoding encoding =
        new Corpus.Encoding(srcTok, tgtTok, srcVocab, tgtVocab, shape.copyAttention());
    List<Example> trainEx =
        Corpus.readEncoded(train, encoding, maxLength, System.err, false).examples();
    Corpus.Encoded devData = Corpus.readEncoded(dev, encoding, maxLength, System.err, true);
    if (shape.copyAttention() && opts.labelSmoothing() > 0) {
      throw new IllegalArgumentException(
          "--label-smoothing "
              + opts.labelSmoothing()
              + " does not combine with --copy-attention (the copy distribution has no uniform"
              + " share); leave --label-smoothing at 0");
    }
    Files.createDirectories(out);
    AtomicFiles.writeString(out.resolve("run.yaml"), RunConfig.dump(spec, "yaml"));
    try (Backend be = backendOptions.open()) {
      TrainRun.run(
          be,
          new TrainRun.Setup(
              shape,
              opts,
              batchSize,
              devMetricLimit,
              out,
              resume,
              timeLimitMinutes * 60,
              keepEpochs,
              divergencePatience,
              saveEvery,
              devMetric),
          trainEx,
          devData,
          srcVocab,
          tgtVocab,
          srcTok,
          tgtTok,
          System.out);
    }
    return 0;
  }
}
