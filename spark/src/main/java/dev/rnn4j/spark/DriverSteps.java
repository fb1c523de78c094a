package dev.rnn4j.spark;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Adam;
import dev.rnn4j.train.GradientClipping;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.Trainer;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's side of one training step of {@link SparkTrainer}: what is broadcast, which tasks
 * run, and what the driver does with their ordered sum. The broadcast is destroyed when the step
 * ends.
 */
final class DriverSteps {
  private final JavaSparkContext jsc;
  private final SparkTrainOptions opts;
  private final PrintStream log;

  DriverSteps(JavaSparkContext jsc, SparkTrainOptions opts, PrintStream log) {
    this.jsc = jsc;
    this.opts = opts;
    this.log = log;
  }

  /**
   * One synchronous step: broadcast θ, gradients of the shards' parts of {@code batch} (token
   * weighted by the whole batch), ordered tree sum, then clipping and one optimizer step here.
   * Returns the summed loss, tokens and gradient.
   */
  Partial sync(
      Seq2SeqModel model,
      Optimizer opt,
      Trainer.TrainerState state,
      LrSchedule schedule,
      ShardedCorpus train,
      StepContext ctx,
      long step,
      int[] batch) {
    int parts = train.partitions();
    int tokens = 0;
    for (int i : batch) {
      tokens += train.targetLengths()[i] + 1;
    }
    // As Trainer: gradScale 1 / (batch target tokens · accumulate), accumulate = 1.
    float scale = 1f / tokens;
    List<Parameter> params = model.parameters();
    Broadcast<float[]> bc = jsc.broadcast(FlatParameters.values(params));
    Partial sum;
    try {
      JavaPairRDD<Integer, Partial> partials =
          train.shards().mapPartitionsToPair(new GradientTask(ctx, step, bc, batch, scale, parts));
      sum = OrderedTreeSum.sum(partials, parts, opts.treeFanIn());
    } finally {
      bc.destroy();
    }
    if (sum.tokens() != tokens || sum.vector() == null) {
      throw new IllegalStateException(
          "step "
              + step
              + ": the executors returned "
              + sum.tokens()
              + " target tokens, the batch has "
              + tokens
              + "; is the corpus cached with other examples?");
    }
    FlatParameters.setGradients(params, sum.vector());
    double clip = opts.train().clipNorm();
    double norm =
        clip > 0
            ? GradientClipping.clipGlobalNorm(params, clip)
            : GradientClipping.globalNorm(params);
    if (Double.isFinite(norm)) {
      state.updates++;
      opt.setLearningRate(schedule.at(state.updates, state.lr));
      opt.step(params);
    } else {
      state.skippedSteps++;
      log.printf(
          Locale.ROOT,
          "%nskipped an update: gradient norm is %s (loss %.4f)%n",
          norm,
          sum.lossSum() / Math.max(1, sum.tokens()));
    }
    model.zeroGrad();
    return sum;
  }

  /**
   * One averaging round over the k global batches of {@code group}: broadcast [θ; m; v], k local
   * steps per shard, ordered tree sum, then the mean state set here.
   */
  Partial averaging(
      Seq2SeqModel model,
      Optimizer opt,
      Trainer.TrainerState state,
      LrSchedule schedule,
      ShardedCorpus train,
      StepContext ctx,
      long round,
      int[][] group) {
    int parts = train.partitions();
    List<Parameter> params = model.parameters();
    int n = FlatParameters.size(params);
    float[] flat =
        opt instanceof Adam a ? AdamState.flat(a, params, n) : FlatParameters.values(params);
    Broadcast<float[]> bc = jsc.broadcast(flat);
    Partial sum;
    try {
      JavaPairRDD<Integer, Partial> partials =
          train
              .shards()
              .mapPartitionsToPair(
                  new AveragingTask(
                      ctx,
                      round,
                      bc,
                      group,
                      LocalOptimizer.of(opts.train()),
                      state.lr,
                      state.updates,
                      parts));
      sum = OrderedTreeSum.sum(partials, parts, opts.treeFanIn());
    } finally {
      bc.destroy();
    }
    if (sum.count() == 0) {
      throw new IllegalStateException("round " + round + ": no executor had examples to train on");
    }
    float[] avg = sum.vector();
    float inv = 1f / sum.count();
    float[] mean = new float[avg.length];
    for (int i = 0; i < avg.length; i++) {
      mean[i] = avg[i] * inv;
    }
    FlatParameters.setValues(params, Arrays.copyOfRange(mean, 0, n));
    int k = group.length;
    if (opt instanceof Adam a) {
      AdamState.set(a, params, mean, n, a.steps() + k);
    }
    state.updates += k;
    opt.setLearningRate(schedule.at(state.updates, state.lr));
    return sum;
  }
}
