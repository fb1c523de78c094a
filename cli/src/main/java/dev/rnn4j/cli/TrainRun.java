package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Batch;
import dev.rnn4j.data.Batcher;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.train.DevMetric;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import dev.rnn4j.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/** Training from tokenized corpora to a model directory: shared by `train` and `demo`. */
final class TrainRun {
  private TrainRun() {}

  /** Trainer data over a Batcher: epoch e (1-based) is the Batcher's epoch e - 1. */
  static Trainer.Data data(Batcher batcher) {
    return new Trainer.Data() {
      @Override
      public int batches(int epoch) {
        return batcher.batchesPerEpoch();
      }

      @Override
      public Iterator<Seq2SeqBatch> epoch(int epoch) {
        batcher.seek(new Batcher.Position(epoch - 1, 0));
        return new Iterator<>() {
          int left = batcher.batchesPerEpoch();

          @Override
          public boolean hasNext() {
            return left > 0;
          }

          @Override
          public Seq2SeqBatch next() {
            if (left-- <= 0) {
              throw new NoSuchElementException();
            }
            return Seq2SeqBatch.of(batcher.next());
          }
        };
      }
    };
  }

  /** Word/phoneme error rates and the rest on examples, by greedy or beam decoding. */
  static Scores score(Seq2SeqModel model, List<Example> examples, DecodeOptions opts) {
    List<int[]> src = new ArrayList<>();
    List<int[]> ref = new ArrayList<>();
    for (Example e : examples) {
      src.add(e.source());
      ref.add(e.target());
    }
    return Scores.of(new Translator(model).best(src, opts), ref);
  }

  static String epochDir(int epoch) {
    return String.format(Locale.ROOT, "epoch-%03d", epoch);
  }

  /** Everything one training run needs. */
  record Setup(
      Seq2SeqConfig config,
      TrainOptions options,
      int batchSize,
      int devMetricLimit,
      Path out,
      Path resume,
      double maxSeconds,
      int keepEpochs,
      int divergencePatience,
      long saveEvery,
      String devMetric) {
    Setup {
      TrainingOptions.checkDevMetricLimit(devMetricLimit);
      if (keepEpochs < 0) {
        throw new IllegalArgumentException(
            "--keep-epochs must be >= 0 (0: keep no per-epoch checkpoints), got " + keepEpochs);
      }
    }
  }

  /**
   * Trains on encoded pairs (ids of {@code srcVocab} and {@code tgtVocab}); writes out/best,
   * out/last, out/loss.svg and, with {@code keepEpochs > 0}, the model after each of the last
   * {@code keepEpochs} epochs as out/epoch-NNN (for {@code rnn4j average}). Returns the best value
   * of the dev metric ({@code dev.targets()}: the dev targets as text, for text metrics; may be
   * null for wer and per; {@code dev.copies()}: each pair's extended vocabulary with copy
   * attention).
   */
  static double run(
      Backend be,
      Setup s,
      List<Example> trainEx,
      Corpus.Encoded dev,
      Vocabulary srcVocab,
      Vocabulary tgtVocab,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      PrintStream log)
      throws IOException {
    List<Example> devEx = dev.examples();
    List<Seq2SeqBatch> devBatches = new ArrayList<>();
    for (Batch b : Batcher.evaluationBatches(devEx, s.batchSize())) {
      devBatches.add(Seq2SeqBatch.of(b));
    }
    Files.createDirectories(s.out());
    long seed = s.resume() != null ? TrainingCheckpoint.seed(s.resume()) : s.options().seed();
    try (Seq2SeqModel model = new Seq2SeqModel(be, s.config(), seed);
        Optimizer opt = s.options().newOptimizer()) {
      Trainer.TrainerState state = new Trainer.TrainerState();
      if (s.resume() != null) {
        try (ModelDirectory.Loaded l = ModelDirectory.load(s.resume(), be)) {
          for (int i = 0; i < model.parameters().size(); i++) {
            be.copy(l.model().parameters().get(i).value(), model.parameters().get(i).value());
          }
        }
        TrainingCheckpoint.load(s.resume(), model, opt, state);
        log.printf(
            "resuming from %s at epoch %d, batch %d%n",
            s.resume(), state.epoch, state.batchInEpoch);
      }
      long params = 0;
      for (var p : model.parameters()) {
        params += p.value().numel();
      }
      log.printf(
          Locale.ROOT,
          "model: %,d parameters; %d training pairs, %d dev pairs; backend %s%n",
          params,
          trainEx.size(),
          devEx.size(),
          be.describe());
      Batcher batcher = new Batcher(trainEx, s.batchSize(), 50, seed);
      Trainer.Metric metric =
          DevMetric.of(
              s.devMetric(),
              devEx,
              dev.targets(),
              (i, ids) ->
                  tgtTok.detokenize(
                      dev.copies() == null
                          ? tgtVocab.decode(ids)
                          : dev.copies().get(i).decode(ids)),
              s.devMetricLimit());
      long finalSeed = seed;
      Trainer.Checkpoints ckpt =
          (tag, m, o, st) -> {
            ModelDirectory.save(
                s.out().resolve(tag),
                m,
                srcVocab,
                tgtVocab,
                srcTok,
                tgtTok,
                new TrainingCheckpoint(o, st, finalSeed));
            if (tag.equals("last") && s.keepEpochs() > 0) {
              // "last" is saved once per epoch, after st.epoch moved on to the next one.
              int finished = st.epoch - 1;
              ModelDirectory.save(
                  s.out().resolve(epochDir(finished)), m, srcVocab, tgtVocab, srcTok, tgtTok, null);
              AtomicFiles.deleteDirectory(s.out().resolve(epochDir(finished - s.keepEpochs())));
            }
          };
      Trainer.Result r =
          new Trainer(s.options(), log)
              .withTimeLimit(s.maxSeconds())
              .withDivergencePatience(s.divergencePatience())
              .withSaveEvery(s.saveEvery())
              .fit(model, opt, state, data(batcher), devBatches, metric, ckpt, s.out());
      log.printf(
          Locale.ROOT,
          "done: %d epochs, %d updates (%d skipped), best %s %s, %.0f s; model in %s%n",
          r.epochs(),
          r.updates(),
          r.skippedSteps(),
          metric.name(),
          metric.higherIsBetter()
              ? String.format(Locale.ROOT, "%.2f", r.bestMetric())
              : String.format(Locale.ROOT, "%.2f%%", 100 * r.bestMetric()),
          r.seconds(),
          s.out().resolve("best"));
      return r.bestMetric();
    }
  }
}
