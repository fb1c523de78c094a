package dev.rnn4j.spark;

import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A training corpus spread over the executors: example i (its global index) lives in partition i
 * mod P, one {@link ExampleShard} per partition, cached for the whole run. Only the lengths of the
 * examples are kept on the driver (8 bytes per example), enough to plan the batches of every epoch
 * exactly as a single-process {@code Batcher} over the same examples would.
 */
public final class ShardedCorpus implements AutoCloseable {
  private final JavaRDD<ExampleShard> shards;
  private final int partitions;
  private final int[] sourceLengths;
  private final int[] targetLengths;
  private final long rejected;

  private ShardedCorpus(
      JavaRDD<ExampleShard> shards, int partitions, int[] srcLen, int[] tgtLen, long rejected) {
    this.shards = shards;
    this.partitions = partitions;
    this.sourceLengths = srcLen;
    this.targetLengths = tgtLen;
    this.rejected = rejected;
  }

  /** Examples already encoded on the driver (tests, small corpora); index = list position. */
  public static ShardedCorpus of(JavaSparkContext jsc, List<Example> examples, int partitions) {
    List<Tuple2<Long, int[][]>> rows = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      rows.add(new Tuple2<>((long) i, new int[][] {e.source(), e.target()}));
    }
    return build(jsc.parallelizePairs(rows, partitions), partitions, 0);
  }

  /**
   * Tokenizes and encodes the text pairs of {@code pairs} on the executors (char or whitespace
   * tokenizers). Pairs with a null or token-less source, a null target, or either side longer than
   * {@code maxLength} tokens are left out (and counted in {@link #rejected()}). The global index
   * follows the Dataset's order, so the same input gives the same corpus (and batches) on every
   * run.
   */
  public static ShardedCorpus fromText(
      Dataset<Row> pairs,
      String sourceCol,
      String targetCol,
      Tokenizer sourceTokenizer,
      Tokenizer targetTokenizer,
      Vocabulary sourceVocab,
      Vocabulary targetVocab,
      int partitions,
      int maxLength) {
    return fromText(
        pairs,
        sourceCol,
        targetCol,
        sourceTokenizer,
        targetTokenizer,
        sourceVocab,
        targetVocab,
        partitions,
        maxLength,
        false);
  }

  /**
   * As {@link #fromText(Dataset, String, String, Tokenizer, Tokenizer, Vocabulary, Vocabulary, int,
   * int)}; with {@code copy} (a copy-attention model, one joint vocabulary) each pair is encoded
   * over its source's extended vocabulary ({@link dev.rnn4j.data.CopyVocabulary}).
   */
  public static ShardedCorpus fromText(
      Dataset<Row> pairs,
      String sourceCol,
      String targetCol,
      Tokenizer sourceTokenizer,
      Tokenizer targetTokenizer,
      Vocabulary sourceVocab,
      Vocabulary targetVocab,
      int partitions,
      int maxLength,
      boolean copy) {
    TextCodec codec =
        new TextCodec(sourceTokenizer, targetTokenizer, sourceVocab, targetVocab, copy);
    return of(pairs, sourceCol, targetCol, codec, partitions, maxLength);
  }

  private static ShardedCorpus of(
      Dataset<Row> pairs,
      String sourceCol,
      String targetCol,
      TextCodec codec,
      int partitions,
      int maxLength) {
    int s = pairs.schema().fieldIndex(sourceCol);
    int t = pairs.schema().fieldIndex(targetCol);
    JavaRDD<int[][]> encoded =
        pairs
            .javaRDD()
            .map(
                r -> {
                  Object a = r.get(s);
                  Object b = r.get(t);
                  if (a == null || b == null) {
                    return new int[0][];
                  }
                  int[][] xy = codec.pair(a.toString(), b.toString());
                  int[] x = xy[0];
                  int[] y = xy[1];
                  if (x.length == 0 || x.length > maxLength || y.length > maxLength) {
                    return new int[0][];
                  }
                  return new int[][] {x, y};
                });
    encoded.persist(StorageLevel.MEMORY_AND_DISK());
    long total = encoded.count();
    JavaPairRDD<Long, int[][]> indexed =
        encoded.filter(p -> p.length == 2).zipWithIndex().mapToPair(Tuple2::swap);
    ShardedCorpus c = build(indexed, partitions, 0);
    encoded.unpersist(false);
    return new ShardedCorpus(
        c.shards, c.partitions, c.sourceLengths, c.targetLengths, total - c.size());
  }

  private static ShardedCorpus build(
      JavaPairRDD<Long, int[][]> indexed, int partitions, long rejected) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    JavaRDD<ExampleShard> shards =
        indexed
            .partitionBy(new ModPartitioner(partitions))
            .mapPartitionsWithIndex(ShardedCorpus::toShard, true);
    shards.persist(StorageLevel.MEMORY_AND_DISK());
    // One (indices, source lengths, target lengths) triple per shard comes back, not per example.
    List<long[][]> lengths =
        shards
            .map(
                sh -> {
                  long[][] l = new long[3][sh.size()];
                  for (int i = 0; i < sh.size(); i++) {
                    l[0][i] = sh.index(i);
                    l[1][i] = sh.sourceLength(i);
                    l[2][i] = sh.targetLength(i);
                  }
                  return l;
                })
            .collect();
    int n = 0;
    for (long[][] l : lengths) {
      n += l[0].length;
    }
    if (n == 0) {
      throw new IllegalArgumentException(
          "no usable training pairs (expected a source and a target column with text)");
    }
    int[] srcLen = new int[n];
    int[] tgtLen = new int[n];
    boolean[] seen = new boolean[n];
    for (long[][] l : lengths) {
      for (int i = 0; i < l[0].length; i++) {
        long idx = l[0][i];
        if (idx < 0 || idx >= n || seen[(int) idx]) {
          throw new IllegalStateException("example indices are not 0.." + (n - 1) + ": " + idx);
        }
        seen[(int) idx] = true;
        srcLen[(int) idx] = (int) l[1][i];
        tgtLen[(int) idx] = (int) l[2][i];
      }
    }
    return new ShardedCorpus(shards, partitions, srcLen, tgtLen, rejected);
  }

  private static Iterator<ExampleShard> toShard(
      Integer partition, Iterator<Tuple2<Long, int[][]>> it) {
    List<Long> idx = new ArrayList<>();
    List<int[]> src = new ArrayList<>();
    List<int[]> tgt = new ArrayList<>();
    while (it.hasNext()) {
      Tuple2<Long, int[][]> t = it.next();
      idx.add(t._1());
      src.add(t._2()[0]);
      tgt.add(t._2()[1]);
    }
    long[] index = idx.stream().mapToLong(Long::longValue).toArray();
    return List.of(
            new ExampleShard(
                partition, index, src.toArray(new int[0][]), tgt.toArray(new int[0][])))
        .iterator();
  }

  /** Partition i mod P for key i. */
  static final class ModPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ModPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) Math.floorMod((Long) key, (long) partitions);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ModPartitioner m && m.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }

  JavaRDD<ExampleShard> shards() {
    return shards;
  }

  /** Number of partitions (shards); also the number of gradient tasks per step. */
  public int partitions() {
    return partitions;
  }

  /** Number of examples. */
  public int size() {
    return sourceLengths.length;
  }

  /**
   * Pairs left out while encoding (see {@link #of(Dataset, String, String, TextCodec, int, int)}).
   */
  public long rejected() {
    return rejected;
  }

  int[] sourceLengths() {
    return sourceLengths;
  }

  int[] targetLengths() {
    return targetLengths;
  }

  @Override
  public void close() {
    shards.unpersist(false);
  }
}
