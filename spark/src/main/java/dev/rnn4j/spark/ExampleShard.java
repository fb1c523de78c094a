package dev.rnn4j.spark;

import dev.rnn4j.data.Example;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The training examples of one partition, by global index (their position in the corpus): the unit
 * that stays cached on an executor for the whole run. Serializable arrays; the lookup table is
 * rebuilt where needed.
 */
final class ExampleShard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final long[] index; // (n) global index of each example
  private final int[][] source; // (n)[len] ids without BOS/EOS
  private final int[][] target;
  private transient Map<Long, Integer> position;

  ExampleShard(int partition, long[] index, int[][] source, int[][] target) {
    this.partition = partition;
    this.index = index;
    this.source = source;
    this.target = target;
  }

  /** The partition this shard is (0..P-1). */
  int partition() {
    return partition;
  }

  int size() {
    return index.length;
  }

  long index(int i) {
    return index[i];
  }

  int sourceLength(int i) {
    return source[i].length;
  }

  int targetLength(int i) {
    return target[i].length;
  }

  /** The example with this global index, or null when it lives in another shard. */
  synchronized Example get(long globalIndex) {
    if (position == null) {
      position = new HashMap<>(index.length * 2);
      for (int i = 0; i < index.length; i++) {
        position.put(index[i], i);
      }
    }
    Integer i = position.get(globalIndex);
    return i == null ? null : new Example(source[i], target[i]);
  }
}
