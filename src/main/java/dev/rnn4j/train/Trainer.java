package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Teacher-forced training of a {@link Seq2SeqModel}: gradient accumulation, global-norm clipping, a
 * {@link DivergenceGuard} (an update with a non-finite loss or gradient is skipped and counted; too
 * many in a row, or a non-finite weight, stop the run with a {@link TrainingDivergedException}, and
 * a non-finite model is never saved), a learning-rate schedule with decay on plateau, validation
 * each epoch (loss and a task metric), early stopping, the best checkpoint kept, a progress bar and
 * a loss-curve SVG. Not thread-safe.
 */
public final class Trainer {
  /** Batches of one epoch, in a deterministic order given the epoch number. */
  public interface Data {
    int batches(int epoch);

    Iterator<Seq2SeqBatch> epoch(int epoch);
  }

  /** A task metric on the dev set, e.g. word error rate (lower is better) or BLEU (higher). */
  public interface Metric {
    String name();

    double evaluate(Seq2SeqModel model);

    /** Whether a larger value is better (BLEU, chrF, ROUGE); false for error rates and losses. */
    default boolean higherIsBetter() {
      return false;
    }
  }

  /** Saves and restores training state. */
  public interface Checkpoints {
    /** Saves the model and the trainer state as {@code tag} ("last" or "best"). */
    void save(String tag, Seq2SeqModel model, Optimizer opt, TrainerState state) throws IOException;
  }

  /** Where training stands; enough to resume exactly. */
  public static final class TrainerState {
    public int epoch = 1; // current (1-based)
    public int batchInEpoch; // batches of the current epoch done
    public long updates;

    /** The best metric value so far; +∞ before the first evaluation, whatever the direction. */
    public double best = Double.POSITIVE_INFINITY;

    public int badEpochs;
    public int plateauEpochs;
    public float lr;
    public long skippedSteps;

    /** Seconds this run has trained so far, over all its sessions (a resume continues it). */
    public double seconds;

    public final List<double[]> trainCurve = new ArrayList<>();
    public final List<double[]> devCurve = new ArrayList<>();
  }

  /** Outcome of {@link #fit}. */
  public record Result(
      int epochs, double bestMetric, long updates, long skippedSteps, double seconds) {}

  private final TrainOptions opts;
  private final PrintStream log;
  private double maxSeconds;
  private int divergencePatience = DivergenceGuard.DEFAULT_PATIENCE;
  private long saveEvery;

  public Trainer(TrainOptions opts, PrintStream log) {
    this.opts = opts;
    this.log = log;
  }

  /**
   * Ends the run once this many seconds (over all sessions of the run, dev evaluations included)
   * would pass: checked after every update, leaving time for one more evaluation and save, which
   * then happen even in the middle of an epoch (a resume continues from that batch). 0 = no limit.
   * The "cosine-time" schedule runs over this budget.
   */
  public Trainer withTimeLimit(double seconds) {
    if (!(seconds >= 0)) {
      throw new IllegalArgumentException("time limit must be >= 0 seconds, got " + seconds);
    }
    this.maxSeconds = seconds;
    return this;
  }

  /** Also saves "last" every this many updates within an epoch (0: at epoch ends only). */
  public Trainer withSaveEvery(long updates) {
    if (updates < 0) {
      throw new IllegalArgumentException("save interval must be >= 0 updates, got " + updates);
    }
    this.saveEvery = updates;
    return this;
  }

  /**
   * Stops the run (with a {@link TrainingDivergedException}) after this many updates in a row were
   * skipped for a non-finite loss or gradient (default {@link DivergenceGuard#DEFAULT_PATIENCE}).
   */
  public Trainer withDivergencePatience(int updates) {
    new DivergenceGuard(updates); // validates
    this.divergencePatience = updates;
    return this;
  }

  /**
   * Trains until the epochs run out or early stopping. {@code state} may come from a checkpoint
   * (then training continues where it stopped, drawing the same batches and dropout masks).
   *
   * @throws TrainingDivergedException when the loss, the gradients or the weights stop being finite
   *     and do not recover; the checkpoints saved before are left as they were
   */
  public Result fit(
      Seq2SeqModel model,
      Optimizer opt,
      TrainerState state,
      Data train,
      List<Seq2SeqBatch> dev,
      Metric metric,
      Checkpoints ckpt,
      Path runDir) {
    int perEpoch = (train.batches(1) + opts.accumulate() - 1) / opts.accumulate();
    long timeWarmup = LrSchedule.timeBasedWarmup(opts.schedule());
    if (timeWarmup >= 0 && maxSeconds <= 0) {
      throw new IllegalArgumentException(
          "the '"
              + opts.schedule()
              + "' schedule runs over the time limit, and none is set; set one, or use cosine"
              + " (over the epochs)");
    }
    LrSchedule schedule = LrSchedule.parse(opts.schedule(), (long) opts.epochs() * perEpoch);
    if (state.lr == 0) {
      state.lr = opts.lr();
    }
    List<Parameter> params = model.parameters();
    DivergenceGuard guard = new DivergenceGuard(divergencePatience);
    MetricsLog metricsLog = runDir == null ? null : new MetricsLog(runDir.resolve(METRICS_LOG));
    long t0 = System.nanoTime();
    double secondsBefore = state.seconds;
    double endCost = 0; // seconds the last evaluation and save took, kept free before the limit
    while (state.epoch <= opts.epochs()) {
      int total = train.batches(state.epoch);
      Iterator<Seq2SeqBatch> it = train.epoch(state.epoch);
      for (int i = 0; i < state.batchInEpoch && it.hasNext(); i++) {
        it.next();
      }
      ProgressBar bar = new ProgressBar(log);
      double lossSum = 0; // over the applied updates' batches
      long tokens = 0;
      double windowLoss = 0; // over the batches of the update being accumulated
      long windowTokens = 0;
      long epochStart = System.nanoTime();
      int inAccum = 0;
      boolean outOfTime = false;
      model.zeroGrad();
      while (it.hasNext()) {
        Seq2SeqBatch b = it.next();
        Seq2SeqModel.Loss loss =
            model.trainStep(b, opts.labelSmoothing(), 1f / (b.targetTokens() * opts.accumulate()));
        windowLoss += loss.sum();
        windowTokens += loss.tokens();
        state.batchInEpoch++;
        if (++inAccum == opts.accumulate() || !it.hasNext()) {
          inAccum = 0;
          double norm =
              opts.clipNorm() > 0
                  ? GradientClipping.clipGlobalNorm(params, opts.clipNorm())
                  : GradientClipping.globalNorm(params);
          if (guard.admit(windowLoss, norm, params, context(state))) {
            state.updates++;
            opt.setLearningRate(
                timeWarmup >= 0
                    ? LrSchedule.cosineOverTime(
                        timeWarmup,
                        state.updates,
                        (secondsBefore + since(t0)) / maxSeconds,
                        state.lr)
                    : schedule.at(state.updates, state.lr));
            opt.step(params);
            guard.applied(params, context(state));
            lossSum += windowLoss;
            tokens += windowTokens;
          } else {
            state.skippedSteps++;
            log.printf(
                Locale.ROOT,
                "%nskipped an update: loss %s, gradient norm %s (%d in a row)%n",
                windowLoss / Math.max(1, windowTokens),
                norm,
                guard.skippedInARow());
          }
          windowLoss = 0;
          windowTokens = 0;
          model.zeroGrad();
          // A quarter more than the last evaluation took: the next one may be slower.
          if (maxSeconds > 0 && secondsBefore + since(t0) + 1.25 * endCost >= maxSeconds) {
            outOfTime = true;
            break;
          }
          if (saveEvery > 0 && state.updates % saveEvery == 0 && it.hasNext() && ckpt != null) {
            state.seconds = secondsBefore + since(t0);
            DivergenceGuard.checkWeights(params, context(state));
            save(ckpt, "last", model, opt, state);
          }
        }
        double secs = (System.nanoTime() - epochStart) / 1e9;
        bar.update(
            state.epoch,
            state.batchInEpoch,
            total,
            lossSum / Math.max(1, tokens),
            tokens / Math.max(1e-9, secs));
        if (state.batchInEpoch % 50 == 0) {
          state.trainCurve.add(new double[] {state.updates, lossSum / Math.max(1, tokens)});
        }
      }
      bar.finish();
      long endStart = System.nanoTime();
      double tokensPerSecond = tokens / Math.max(1e-9, (endStart - epochStart) / 1e9);
      boolean partial = it.hasNext(); // stopped by the time limit inside the epoch
      double trainLoss = lossSum / Math.max(1, tokens);
      EpochEnd end = endEpoch(opts, model, opt, state, dev, metric, trainLoss, t0, log);
      boolean improved = end.improved();
      boolean stop = opts.earlyStopPatience() > 0 && state.badEpochs >= opts.earlyStopPatience();
      DivergenceGuard.checkWeights(params, context(state)); // never save a non-finite model
      double devLoss =
          state.devCurve.isEmpty() ? Double.NaN : state.devCurve.get(state.devCurve.size() - 1)[1];
      if (!dev.isEmpty()) {
        DivergenceGuard.checkDevLoss(devLoss, context(state));
      }
      int finishedEpoch = state.epoch;
      if (!partial) {
        // The saved state points at the next epoch, so a resumed run starts there.
        state.epoch++;
        state.batchInEpoch = 0;
      }
      state.seconds = secondsBefore + since(t0);
      if (improved && ckpt != null) {
        save(ckpt, "best", model, opt, state);
      }
      if (ckpt != null) {
        save(ckpt, "last", model, opt, state);
      }
      try {
        if (runDir != null) {
          LossCurve.writeSvg(runDir.resolve("loss.svg"), state.trainCurve, state.devCurve);
        }
        if (metricsLog != null) {
          metricsLog.epoch(
              finishedEpoch,
              partial,
              state,
              trainLoss,
              devLoss,
              metric == null ? "dev loss" : metric.name(),
              end.value(),
              improved,
              opt.learningRate(),
              tokensPerSecond);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the run's logs: " + e.getMessage(), e);
      }
      endCost = since(endStart);
      if (stop || outOfTime) {
        if (stop) {
          log.printf("early stopping: no improvement for %d epochs%n", state.badEpochs);
        } else {
          log.printf(
              Locale.ROOT,
              "time limit: stopped after %.0f of %.0f s (epoch %d, %s); evaluated and saved%n",
              state.seconds,
              maxSeconds,
              finishedEpoch,
              partial ? "batch " + state.batchInEpoch + " of " + total : "at its end");
        }
        return new Result(
            finishedEpoch, state.best, state.updates, state.skippedSteps, state.seconds);
      }
    }
    return new Result(
        opts.epochs(), state.best, state.updates, state.skippedSteps, secondsBefore + since(t0));
  }

  /** The file in the run directory with one JSON line per evaluation. */
  public static final String METRICS_LOG = "metrics.jsonl";

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void save(
      Checkpoints ckpt, String tag, Seq2SeqModel model, Optimizer opt, TrainerState state) {
    try {
      ckpt.save(tag, model, opt, state);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the checkpoint: " + e.getMessage(), e);
    }
  }

  private DivergenceGuard.Context context(TrainerState state) {
    return new DivergenceGuard.Context(state.epoch, state.updates, state.lr, opts.clipNorm());
  }

  /**
   * What the end of an epoch found: whether the metric improved, the seconds since {@code t0}, and
   * the metric's value.
   */
  public record EpochEnd(boolean improved, double seconds, double value) {}

  /**
   * The end-of-epoch bookkeeping every training loop shares (this one and rnn4j-spark's): records
   * the epoch's train loss and the dev loss in the curves, evaluates the metric (the dev loss when
   * null), logs the epoch line, and updates the best value and the early-stopping and plateau
   * counters, decaying {@code state.lr} by the plateau factor after {@code plateauPatience} epochs
   * without improvement. The caller decides on stopping and advances the epoch.
   */
  public static EpochEnd endEpoch(
      TrainOptions opts,
      Seq2SeqModel model,
      Optimizer opt,
      TrainerState state,
      List<Seq2SeqBatch> dev,
      Metric metric,
      double trainLoss,
      long t0,
      PrintStream log) {
    state.trainCurve.add(new double[] {state.updates, trainLoss});
    double devLoss = devLoss(model, dev);
    state.devCurve.add(new double[] {state.updates, devLoss});
    double m = metric == null ? devLoss : metric.evaluate(model);
    String name = metric == null ? "dev loss" : metric.name();
    double seconds = (System.nanoTime() - t0) / 1e9;
    boolean higher = metric != null && metric.higherIsBetter();
    boolean improved =
        state.best == Double.POSITIVE_INFINITY
            ? !Double.isNaN(m)
            : higher ? m > state.best : m < state.best;
    log.printf(
        Locale.ROOT,
        "epoch %d: train loss %.4f, dev loss %.4f, %s %.4f%s, lr %.2e, %.0f s%n",
        state.epoch,
        trainLoss,
        devLoss,
        name,
        m,
        improved ? " (best)" : "",
        opt.learningRate(),
        seconds);
    if (improved) {
      state.best = m;
      state.badEpochs = 0;
      state.plateauEpochs = 0;
    } else {
      state.badEpochs++;
      if (++state.plateauEpochs > opts.plateauPatience() && opts.plateauFactor() < 1) {
        state.lr *= opts.plateauFactor();
        state.plateauEpochs = 0;
        log.printf(Locale.ROOT, "validation plateau: learning rate now %.2e%n", state.lr);
      }
    }
    return new EpochEnd(improved, seconds, m);
  }

  /** Mean per-token loss (without label smoothing) over the dev batches. */
  public static double devLoss(Seq2SeqModel model, List<Seq2SeqBatch> dev) {
    double sum = 0;
    long tokens = 0;
    for (Seq2SeqBatch b : dev) {
      Seq2SeqModel.Loss l = model.evaluate(b, 0f);
      sum += l.sum();
      tokens += l.tokens();
    }
    return tokens == 0 ? Double.NaN : sum / tokens;
  }
}
