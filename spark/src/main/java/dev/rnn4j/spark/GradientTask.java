package dev.rnn4j.spark;

import dev.rnn4j.data.Batch;
import dev.rnn4j.data.Example;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * One synchronous step on one shard: the examples of the global batch that live in this shard,
 * forward and backward on a replica holding the broadcast parameters, with every token's gradient
 * scaled by 1 / (target tokens of the whole global batch). Returns (partition, Partial): the summed
 * loss, the shard's token count and the scaled gradient (null when the shard holds none of the
 * batch). The result is a pure function of the parameters, the shard and the step, so a retried or
 * recomputed task returns exactly the same partial sum.
 */
final class GradientTask implements PairFlatMapFunction<Iterator<ExampleShard>, Integer, Partial> {
  private final StepContext ctx;
  private final long step;
  private final Broadcast<float[]> params;
  private final int[] batch; // global indices, in the plan's order
  private final float gradScale;
  private final int partitions;

  GradientTask(
      StepContext ctx,
      long step,
      Broadcast<float[]> params,
      int[] batch,
      float gradScale,
      int partitions) {
    this.ctx = ctx;
    this.step = step;
    this.params = params;
    this.batch = batch;
    this.gradScale = gradScale;
    this.partitions = partitions;
  }

  @Override
  public Iterator<Tuple2<Integer, Partial>> call(Iterator<ExampleShard> it) {
    ExampleShard shard = it.next();
    int p = shard.partition();
    if (ctx.failure() != null) {
      ctx.failure().maybeFail(step, p);
    }
    Seq2SeqBatch b = localBatch(shard, batch);
    if (b == null) {
      return List.of(new Tuple2<>(p, Partial.ZERO)).iterator();
    }
    Seq2SeqModel m = ExecutorRuntime.borrowReplica(ctx);
    try {
      FlatParameters.setValues(m.parameters(), params.value());
      m.zeroGrad();
      m.setDropoutCalls(ctx.dropoutCall() * partitions + p);
      Seq2SeqModel.Loss loss = m.trainStep(b, ctx.labelSmoothing(), gradScale);
      float[] g = FlatParameters.gradients(m.parameters());
      return List.of(new Tuple2<>(p, new Partial(loss.sum(), loss.tokens(), 1, g))).iterator();
    } finally {
      ExecutorRuntime.returnReplica(ctx.runId(), m);
    }
  }

  /** The batch rows that live in this shard, in the plan's order; null when there are none. */
  static Seq2SeqBatch localBatch(ExampleShard shard, int[] globalIndices) {
    List<Example> mine = new ArrayList<>();
    for (int gi : globalIndices) {
      Example e = shard.get(gi);
      if (e != null) {
        mine.add(e);
      }
    }
    if (mine.isEmpty()) {
      return null;
    }
    int[] idx = new int[mine.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Batch b = Batch.of(mine, idx);
    return Seq2SeqBatch.of(b);
  }
}
