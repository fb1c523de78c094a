package dev.rnn4j.spark.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.cli.ModelOptions;
import dev.rnn4j.cli.TrainingOptions;
import dev.rnn4j.data.Batch;
import dev.rnn4j.data.Batcher;
import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.spark.ShardedCorpus;
import dev.rnn4j.spark.SparkTrainOptions;
import dev.rnn4j.spark.SparkTrainer;
import dev.rnn4j.spark.TokenCounts;
import dev.rnn4j.train.DevMetric;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import dev.rnn4j.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Data-parallel training on Spark from a TSV (source<TAB>target) or Parquet corpus; writes"
            + " OUT/best and OUT/last model directories (the core rnn4j format).")
final class TrainJob implements Callable<Integer> {
  @Option(names = "--train", required = true, description = "training pairs (any Spark path)")
  String train;

  @Option(names = "--dev", required = true, description = "dev pairs (collected to the driver)")
  String dev;

  @Option(names = "--format", description = "tsv or parquet (default: by extension)")
  String format;

  @Option(names = "--source-col", description = "source column (default _c0 for TSV)")
  String sourceCol;

  @Option(names = "--target-col", description = "target column (default _c1 for TSV)")
  String targetCol;

  @Option(names = "--out", required = true, description = "run directory on the driver")
  Path out;

  @Option(names = "--resume", description = "checkpoint to resume from (e.g. OUT/last)")
  Path resume;

  // ---- model: the core CLI's options, except that dropout defaults to 0 here (with dropout,
  // shards draw different masks, so sync training no longer equals single-process training)
  @Mixin ModelOptions modelOptions = new ModelOptions(0f);

  @Option(names = "--src-tokenizer", defaultValue = "whitespace", description = "char, whitespace")
  String srcTokenizer;

  @Option(names = "--tgt-tokenizer", defaultValue = "whitespace", description = "char, whitespace")
  String tgtTokenizer;

  @Option(names = "--min-freq", defaultValue = "1")
  int minFreq;

  @Option(names = "--max-vocab", defaultValue = "50000")
  int maxVocab;

  @Option(names = "--max-length", defaultValue = "100", description = "longer pairs are left out")
  int maxLength;

  // ---- training: the core CLI's options and defaults (--accumulate aside: raise the batch)
  @Mixin TrainingOptions training;

  @Option(names = "--batch-size", defaultValue = "64", description = "global batch size")
  int batchSize;

  // ---- Spark
  @Option(
      names = "--partitions",
      description = "shards = gradient tasks per step (default: spark.default.parallelism)")
  Integer partitions;

  @Option(names = "--mode", defaultValue = "sync", description = "sync or averaging")
  String mode;

  @Option(names = "--averaging-frequency", defaultValue = "4", description = "averaging: k")
  int averagingFrequency;

  @Option(names = "--executor-backend", defaultValue = "cpu", description = "cpu, cuda or auto")
  String executorBackend;

  @Option(names = "--driver-backend", defaultValue = "cpu", description = "cpu, cuda or auto")
  String driverBackend;

  @Option(names = "--tree-fan-in", defaultValue = "8")
  int treeFanIn;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "batches (0: epochs)")
  int checkpointEvery;

  @Option(
      names = "--master",
      description = "run Spark in this JVM (e.g. local[2]); not with spark-submit")
  String master;

  @Override
  public Integer call() throws Exception {
    // Training pairs are TSV unless they are Parquet.
    String fmt = Sessions.format(train, format).equals("parquet") ? "parquet" : "tsv";
    String sc = sourceCol != null ? sourceCol : "_c0";
    String tc = targetCol != null ? targetCol : "_c1";
    // A resumed run keeps its original seed (model, batch order, dropout), as the core CLI.
    long runSeed = resume != null ? TrainingCheckpoint.seed(resume) : training.seed();
    TrainOptions topts = training.options(1, runSeed);
    try {
      // Parsed as SparkTrainer will (with no run length, which the cosine schedules need), now
      // rather than once Spark has read the data.
      LrSchedule.parse(topts.schedule());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--schedule: " + e.getMessage(), e);
    }
    int devMetricLimit = training.devMetricLimit();
    if (resume == null) {
      // The shape options are checked now, on placeholder vocabulary sizes, rather than once
      // Spark has read the training data for the real ones.
      modelOptions.config(5, 5);
    }
    SparkTrainOptions.Mode m =
        switch (mode.toLowerCase(Locale.ROOT)) {
          case "sync" -> SparkTrainOptions.Mode.SYNC;
          case "averaging" -> SparkTrainOptions.Mode.AVERAGING;
          default ->
              throw new IllegalArgumentException(
                  "--mode: unknown mode '" + mode + "'; use sync or averaging");
        };
    SparkTrainOptions so =
        new SparkTrainOptions(
            topts,
            batchSize,
            50,
            m,
            averagingFrequency,
            executorBackend,
            treeFanIn,
            checkpointEvery);
    SparkSession spark = Sessions.open("rnn4j-spark train", master);
    try (Backend be = Backends.create(driverBackend)) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Dataset<Row> trainDf = Sessions.read(spark, train, fmt);
      Dataset<Row> devDf = Sessions.read(spark, dev, fmt);
      Tokenizer srcTok;
      Tokenizer tgtTok;
      Vocabulary srcVocab;
      Vocabulary tgtVocab;
      Seq2SeqConfig config;
      if (resume != null) {
        try (ModelDirectory.Loaded l = ModelDirectory.load(resume, be)) {
          config = l.model().config(); // the checkpoint's shape, whatever the model options say
          srcTok = l.sourceTokenizer();
          tgtTok = l.targetTokenizer();
          srcVocab = l.sourceVocab();
          tgtVocab = l.targetVocab();
        }
      } else {
        srcTok = tokenizer(srcTokenizer, "--src-tokenizer");
        tgtTok = tokenizer(tgtTokenizer, "--tgt-tokenizer");
        java.util.Map<String, Long> srcCounts = TokenCounts.count(trainDf, sc, srcTok);
        java.util.Map<String, Long> tgtCounts = TokenCounts.count(trainDf, tc, tgtTok);
        if (modelOptions.needsJointVocabulary()) {
          // Shared embeddings and copy attention read one vocabulary for both sides.
          srcVocab = Vocabulary.buildJoint(srcCounts, tgtCounts, minFreq, maxVocab);
          tgtVocab = srcVocab;
        } else {
          srcVocab = Vocabulary.build(srcCounts, minFreq, maxVocab);
          tgtVocab = Vocabulary.build(tgtCounts, minFreq, maxVocab);
        }
        config = modelOptions.config(srcVocab.size(), tgtVocab.size());
      }
      int parts = partitions != null ? partitions : jsc.defaultParallelism();
      List<Example> devEx = new ArrayList<>();
      for (Row r : devDf.collectAsList()) {
        Object s = r.get(r.fieldIndex(sc));
        Object t = r.get(r.fieldIndex(tc));
        if (s != null && t != null) {
          List<String> srcTokens = srcTok.tokenize(s.toString());
          List<String> tgtTokens = tgtTok.tokenize(t.toString());
          if (!srcTokens.isEmpty()) {
            if (config.copyAttention()) {
              // Source-only words as extended ids, as in the training shards.
              devEx.add(CopyVocabulary.of(srcVocab, srcTokens).example(tgtTokens));
            } else {
              devEx.add(new Example(srcVocab.encode(srcTokens), tgtVocab.encode(tgtTokens)));
            }
          }
        }
      }
      List<Seq2SeqBatch> devBatches = new ArrayList<>();
      for (Batch b : Batcher.evaluationBatches(devEx, batchSize)) {
        devBatches.add(Seq2SeqBatch.of(b));
      }
      Files.createDirectories(out);
      try (ShardedCorpus corpus =
              ShardedCorpus.fromText(
                  trainDf,
                  sc,
                  tc,
                  srcTok,
                  tgtTok,
                  srcVocab,
                  tgtVocab,
                  parts,
                  maxLength,
                  config.copyAttention());
          Seq2SeqModel model = new Seq2SeqModel(be, config, runSeed);
          Optimizer opt = topts.newOptimizer()) {
        Trainer.TrainerState state = new Trainer.TrainerState();
        if (resume != null) {
          try (ModelDirectory.Loaded l = ModelDirectory.load(resume, be)) {
            for (int i = 0; i < model.parameters().size(); i++) {
              be.copy(l.model().parameters().get(i).value(), model.parameters().get(i).value());
            }
          }
          TrainingCheckpoint.load(resume, model, opt, state);
          System.out.printf(
              "resuming from %s at epoch %d, batch %d%n", resume, state.epoch, state.batchInEpoch);
        }
        long params = 0;
        for (var p : model.parameters()) {
          params += p.value().numel();
        }
        System.out.printf(
            Locale.ROOT,
            "model: %,d parameters; %,d training pairs (%,d left out) in %d shards, %,d dev"
                + " pairs; mode %s; executors on %s, driver on %s%n",
            params,
            corpus.size(),
            corpus.rejected(),
            parts,
            devEx.size(),
            m,
            executorBackend,
            be.name());
        Trainer.Metric wer = DevMetric.greedyWordErrorRate(devEx, devMetricLimit);
        Vocabulary sv = srcVocab;
        Vocabulary tv = tgtVocab;
        Tokenizer st = srcTok;
        Tokenizer tt = tgtTok;
        Trainer.Checkpoints ckpt =
            (tag, mdl, o, s) ->
                ModelDirectory.save(
                    out.resolve(tag), mdl, sv, tv, st, tt, new TrainingCheckpoint(o, s, runSeed));
        SparkTrainer.Result r =
            new SparkTrainer(jsc, so, System.out)
                .fit(model, opt, state, corpus, devBatches, wer, ckpt, out);
        System.out.printf(
            Locale.ROOT,
            "done: %d epochs, %d updates (%d skipped), best dev WER %.2f%%, %.0f s;"
                + " %,.0f target tokens/s in training steps; model in %s%n",
            r.epochs(),
            r.updates(),
            r.skippedSteps(),
            100 * r.bestMetric(),
            r.seconds(),
            r.tokens() / Math.max(1e-9, r.trainSeconds()),
            out.resolve("best"));
      }
      return 0;
    } finally {
      if (master != null) {
        spark.stop();
      }
    }
  }

  private static Tokenizer tokenizer(String name, String option) {
    return switch (name) {
      case "char" -> new CharTokenizer();
      case "whitespace" -> new WhitespaceTokenizer();
      default ->
          throw new IllegalArgumentException(
              option + ": unknown tokenizer '" + name + "'; use char or whitespace");
    };
  }
}
