package dev.rnn4j.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

/**
 * Tree aggregation of per-partition partial sums in a fixed order. Spark's own {@code
 * treeAggregate} merges results in the order tasks finish, and float addition is not associative,
 * so its sums can differ from run to run and after a retried task. Here level by level the parts
 * {@code fanIn·g .. fanIn·g + fanIn - 1} are added in index order into group g (on executors, after
 * a shuffle), until at most {@code fanIn} groups are left; the driver adds those in index order.
 * The result is a function of the parts alone: bit-identical whatever the timing, retries or lost
 * executors.
 *
 * <p>Communication: each part crosses the network once per level; with P parts there are about
 * log_fanIn(P) levels, and the driver receives at most fanIn vectors.
 */
final class OrderedTreeSum {
  private OrderedTreeSum() {}

  /**
   * @param parts (part index, partial) with indices 0..n-1, one each
   * @param n number of parts
   * @param fanIn parts added per group (>= 2)
   */
  static Partial sum(JavaPairRDD<Integer, Partial> parts, int n, int fanIn) {
    if (fanIn < 2) {
      throw new IllegalArgumentException("tree fan-in must be >= 2, got " + fanIn);
    }
    JavaPairRDD<Integer, Partial> level = parts;
    int count = n;
    while (count > fanIn) {
      int groups = (count + fanIn - 1) / fanIn;
      level =
          level
              .mapToPair(t -> new Tuple2<>(t._1() / fanIn, new Tuple2<>(t._1(), t._2())))
              .groupByKey(new HashPartitioner(groups))
              .mapValues(OrderedTreeSum::inOrder);
      count = groups;
    }
    return inOrder(level.collect());
  }

  /** Σ of the partials sorted by their index, added left to right. */
  static Partial inOrder(Iterable<Tuple2<Integer, Partial>> items) {
    List<Tuple2<Integer, Partial>> list = new ArrayList<>();
    items.forEach(list::add);
    list.sort(Comparator.comparingInt(Tuple2::_1));
    for (int i = 1; i < list.size(); i++) {
      if (list.get(i)._1().equals(list.get(i - 1)._1())) {
        throw new IllegalStateException("two partial sums with index " + list.get(i)._1());
      }
    }
    Partial acc = Partial.ZERO;
    for (Tuple2<Integer, Partial> t : list) {
      acc = acc.plus(t._2());
    }
    return acc;
  }
}
