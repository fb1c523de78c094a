package dev.rnn4j.spark;

import dev.rnn4j.data.Batcher;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.DivergenceGuard;
import dev.rnn4j.train.LossCurve;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data-parallel training of a {@link Seq2SeqModel} on Spark, with the parameters on the driver.
 *
 * <p>Each step the driver plans the global batch (the same plan as a single-process {@code Batcher}
 * with the same seed: {@link Batcher#planEpoch}), broadcasts the flat parameters, and runs one task
 * per shard of the {@link ShardedCorpus}; the partial sums come back through {@link OrderedTreeSum}
 * (a tree aggregation in fixed order, so retries and timing cannot change a bit). In {@link
 * SparkTrainOptions.Mode#SYNC} the driver then clips the summed gradient and applies the optimizer
 * once; in {@link SparkTrainOptions.Mode#AVERAGING} executors take k local steps and the driver
 * averages parameters and Adam moments.
 *
 * <p>Everything else is single-process training's ({@link Trainer}): learning-rate schedule and
 * decay on plateau, skipping of non-finite gradients, validation on the driver each epoch (dev loss
 * and the task metric), early stopping, "best" and "last" checkpoints (plus "last" every {@code
 * checkpointEvery} batches), and resuming from a checkpoint's {@link Trainer.TrainerState}.
 *
 * <p><b>Exactness (SYNC).</b> Each executor scales every token's gradient by 1 / (target tokens of
 * the global batch), so the sum over shards is the gradient of the global batch's mean loss, the
 * single-process gradient; loss and gradient differ from single-process training only by float
 * summation order (GEMMs over fewer rows, shard sums added in a tree). Conditions: dropout 0 (masks
 * are drawn per shard position, so with dropout the runs are each deterministic but not equal), the
 * same examples, batch size, bucket window and seed. Not thread-safe.
 */
public final class SparkTrainer {
  /** Called after every step (SYNC) or round (AVERAGING), e.g. for logging. */
  @FunctionalInterface
  public interface StepListener {
    void afterStep(long step, double meanLoss, Trainer.TrainerState state);
  }

  /**
   * Outcome of {@link #fit}.
   *
   * @param stepLosses mean per-token training loss of each step (or round) of this call
   * @param tokens target tokens trained on in this call
   * @param trainSeconds seconds in training steps (validation and checkpoints excluded)
   */
  public record Result(
      int epochs,
      double bestMetric,
      long updates,
      long skippedSteps,
      double seconds,
      double[] stepLosses,
      long tokens,
      double trainSeconds) {}

  private final JavaSparkContext jsc;
  private final SparkTrainOptions opts;
  private final PrintStream log;
  private StepListener listener = (s, l, st) -> {};
  private FailureInjector failure;

  public SparkTrainer(JavaSparkContext jsc, SparkTrainOptions opts, PrintStream log) {
    this.jsc = jsc;
    this.opts = opts;
    this.log = log;
  }

  public SparkTrainer withStepListener(StepListener l) {
    this.listener = l;
    return this;
  }

  /** Test hook: makes the chosen task fail (see {@link FailureInjector}). */
  SparkTrainer withFailure(FailureInjector f) {
    this.failure = f;
    return this;
  }

  /**
   * Trains {@code model} (on the driver) on {@code train} until the epochs run out or early
   * stopping; {@code state} may come from a checkpoint. Dev batches and the metric are evaluated on
   * the driver.
   */
  public Result fit(
      Seq2SeqModel model,
      Optimizer opt,
      Trainer.TrainerState state,
      ShardedCorpus train,
      List<Seq2SeqBatch> dev,
      Trainer.Metric metric,
      Trainer.Checkpoints ckpt,
      Path runDir) {
    var t = opts.train();
    LrSchedule schedule = LrSchedule.parse(t.schedule());
    if (state.lr == 0) {
      state.lr = t.lr();
    }
    String runId = UUID.randomUUID().toString();
    DriverSteps steps = new DriverSteps(jsc, opts, log);
    List<Double> stepLosses = new ArrayList<>();
    long step = 0;
    long tokensAll = 0;
    double trainSeconds = 0;
    long t0 = System.nanoTime();
    double seconds = 0;
    try {
      while (state.epoch <= t.epochs()) {
        int[][] plan =
            Batcher.planEpoch(
                train.sourceLengths(),
                train.targetLengths(),
                opts.batchSize(),
                opts.bucketWindow(),
                t.seed(),
                state.epoch - 1);
        double lossSum = 0;
        long tokens = 0;
        long epochStart = System.nanoTime();
        while (state.batchInEpoch < plan.length) {
          long stepStart = System.nanoTime();
          int k =
              opts.mode() == SparkTrainOptions.Mode.SYNC
                  ? 1
                  : Math.min(opts.averagingFrequency(), plan.length - state.batchInEpoch);
          int[][] group = Arrays.copyOfRange(plan, state.batchInEpoch, state.batchInEpoch + k);
          StepContext ctx =
              new StepContext(
                  runId,
                  model.config(),
                  t.seed(),
                  opts.backend(),
                  t.labelSmoothing(),
                  model.dropoutCalls(),
                  failure);
          Partial sum;
          if (opts.mode() == SparkTrainOptions.Mode.SYNC) {
            sum = steps.sync(model, opt, state, schedule, train, ctx, step, group[0]);
          } else {
            sum = steps.averaging(model, opt, state, schedule, train, ctx, step, group);
          }
          model.setDropoutCalls(model.dropoutCalls() + k);
          long before = totalBatches(state, plan.length);
          state.batchInEpoch += k;
          lossSum += sum.lossSum();
          tokens += sum.tokens();
          tokensAll += sum.tokens();
          double mean = sum.lossSum() / Math.max(1, sum.tokens());
          stepLosses.add(mean);
          step++;
          trainSeconds += (System.nanoTime() - stepStart) / 1e9;
          if (state.batchInEpoch / 50 != (state.batchInEpoch - k) / 50) {
            double secs = (System.nanoTime() - epochStart) / 1e9;
            log.printf(
                Locale.ROOT,
                "epoch %d, batch %d/%d: loss %.4f, %.0f target tokens/s%n",
                state.epoch,
                state.batchInEpoch,
                plan.length,
                lossSum / Math.max(1, tokens),
                tokens / Math.max(1e-9, secs));
            state.trainCurve.add(new double[] {state.updates, lossSum / Math.max(1, tokens)});
          }
          long after = totalBatches(state, plan.length);
          if (ckpt != null
              && opts.checkpointEvery() > 0
              && state.batchInEpoch < plan.length
              && before / opts.checkpointEvery() != after / opts.checkpointEvery()) {
            save(ckpt, "last", model, opt, state, t);
          }
          listener.afterStep(step, mean, state);
        }
        double trainLoss = lossSum / Math.max(1, tokens);
        Trainer.EpochEnd end =
            Trainer.endEpoch(t, model, opt, state, dev, metric, trainLoss, t0, log);
        boolean improved = end.improved();
        seconds = end.seconds();
        boolean stop = t.earlyStopPatience() > 0 && state.badEpochs >= t.earlyStopPatience();
        int finishedEpoch = state.epoch;
        // The saved state points at the next epoch, so a resumed run starts there.
        state.epoch++;
        state.batchInEpoch = 0;
        if (ckpt != null) {
          if (improved) {
            save(ckpt, "best", model, opt, state, t);
          }
          save(ckpt, "last", model, opt, state, t);
        }
        if (runDir != null) {
          try {
            LossCurve.writeSvg(runDir.resolve("loss.svg"), state.trainCurve, state.devCurve);
          } catch (IOException e) {
            throw new UncheckedIOException("could not write the loss curve: " + e, e);
          }
        }
        if (stop) {
          log.printf("early stopping: no improvement for %d epochs%n", state.badEpochs);
          return result(finishedEpoch, state, seconds, stepLosses, tokensAll, trainSeconds);
        }
      }
      return result(t.epochs(), state, seconds, stepLosses, tokensAll, trainSeconds);
    } finally {
      ExecutorRuntime.releaseRun(runId);
      try {
        train.shards().foreachPartition(it -> ExecutorRuntime.releaseRun(runId));
      } catch (RuntimeException e) {
        log.println("rnn4j-spark: could not release the executors' model replicas: " + e);
      }
    }
  }

  private static long totalBatches(Trainer.TrainerState s, int perEpoch) {
    return (long) (s.epoch - 1) * perEpoch + s.batchInEpoch;
  }

  private static void save(
      Trainer.Checkpoints ckpt,
      String tag,
      Seq2SeqModel model,
      Optimizer opt,
      Trainer.TrainerState state,
      TrainOptions t) {
    // A model whose weights overflowed is never written over a good checkpoint.
    DivergenceGuard.checkWeights(
        model.parameters(),
        new DivergenceGuard.Context(state.epoch, state.updates, state.lr, t.clipNorm()));
    try {
      ckpt.save(tag, model, opt, state);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the checkpoint: " + e.getMessage(), e);
    }
  }

  private static Result result(
      int epochs,
      Trainer.TrainerState s,
      double seconds,
      List<Double> losses,
      long tokens,
      double trainSeconds) {
    return new Result(
        epochs,
        s.best,
        s.updates,
        s.skippedSteps,
        seconds,
        losses.stream().mapToDouble(Double::doubleValue).toArray(),
        tokens,
        trainSeconds);
  }
}
