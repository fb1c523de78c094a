package dev.rnn4j.spark;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Adam;
import dev.rnn4j.train.GradientClipping;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * One averaging round on one shard: starting from the broadcast state (parameters, then for Adam
 * the first and second moments, each flat), k local steps, each on this shard's part of one global
 * batch (mean loss over the shard's tokens, local clipping, local optimizer step). Returns
 * (partition, Partial) with the final state vector [θ; m; v] and count 1 (ZERO when the shard holds
 * none of the k batches). Deterministic, like {@link GradientTask}.
 */
final class AveragingTask implements PairFlatMapFunction<Iterator<ExampleShard>, Integer, Partial> {
  private final StepContext ctx;
  private final long round;
  private final Broadcast<float[]> state;
  private final int[][] batches; // k global batches
  private final LocalOptimizer optimizer;
  private final float lr; // the base rate now (after plateau decay)
  private final long updatesBefore; // driver updates before this round
  private final int partitions;

  AveragingTask(
      StepContext ctx,
      long round,
      Broadcast<float[]> state,
      int[][] batches,
      LocalOptimizer optimizer,
      float lr,
      long updatesBefore,
      int partitions) {
    this.ctx = ctx;
    this.round = round;
    this.state = state;
    this.batches = batches;
    this.optimizer = optimizer;
    this.lr = lr;
    this.updatesBefore = updatesBefore;
    this.partitions = partitions;
  }

  @Override
  public Iterator<Tuple2<Integer, Partial>> call(Iterator<ExampleShard> it) {
    ExampleShard shard = it.next();
    int p = shard.partition();
    if (ctx.failure() != null) {
      ctx.failure().maybeFail(round, p);
    }
    Seq2SeqModel m = ExecutorRuntime.borrowReplica(ctx);
    try (Optimizer opt = optimizer.open(lr)) {
      List<Parameter> ps = m.parameters();
      int n = FlatParameters.size(ps);
      float[] s = state.value();
      FlatParameters.setValues(ps, Arrays.copyOfRange(s, 0, n));
      if (opt instanceof Adam adam && s.length == 3 * n) {
        AdamState.set(adam, ps, s, n, updatesBefore);
      }
      LrSchedule schedule = optimizer.lrSchedule();
      double lossSum = 0;
      long tokens = 0;
      boolean any = false;
      for (int j = 0; j < batches.length; j++) {
        Seq2SeqBatch b = GradientTask.localBatch(shard, batches[j]);
        if (b == null) {
          continue;
        }
        any = true;
        m.zeroGrad();
        m.setDropoutCalls((ctx.dropoutCall() + j) * partitions + p);
        Seq2SeqModel.Loss loss = m.trainStep(b, ctx.labelSmoothing(), 1f / b.targetTokens());
        lossSum += loss.sum();
        tokens += loss.tokens();
        double norm =
            optimizer.clipNorm() > 0
                ? GradientClipping.clipGlobalNorm(ps, optimizer.clipNorm())
                : GradientClipping.globalNorm(ps);
        if (Double.isFinite(norm)) {
          opt.setLearningRate(schedule.at(updatesBefore + j + 1, lr));
          opt.step(ps);
        }
      }
      if (!any) {
        return List.of(new Tuple2<>(p, Partial.ZERO)).iterator();
      }
      float[] out =
          opt instanceof Adam adam ? AdamState.flat(adam, ps, n) : FlatParameters.values(ps);
      return List.of(new Tuple2<>(p, new Partial(lossSum, tokens, 1, out))).iterator();
    } finally {
      ExecutorRuntime.returnReplica(ctx.runId(), m);
    }
  }
}
