package dev.rnn4j.data;

import dev.rnn4j.data.BpeTokenizer.Merge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Byte-pair-encoding learning over chunk counts with incremental pair counts, as in SentencePiece's
 * BPE trainer: every chunk is laid out once as a doubly linked list of symbol ids; each pair keeps
 * its count and the positions where it may occur; a merge visits only those positions and updates
 * the counts of the pairs it destroys and creates. A priority queue with lazy deletion picks the
 * next pair: an entry whose count is out of date is pushed again with the current count when it
 * comes out, and every pair whose count grew is pushed after each merge.
 *
 * <p>The next merge is the pair with the highest count (chunk frequency times occurrences); ties go
 * to the pair whose left, then right symbol is smallest by {@link String#compareTo}, so the result
 * depends only on the chunk counts. A merge whose result equals an existing symbol (e.g. {@code
 * a+bc} after {@code ab+c}) is recorded but adds no symbol; learning stops when the number of
 * distinct symbols reaches the target or no adjacent pair is left.
 *
 * <p>Not thread-safe; used once by {@link SubwordTokenizer#learn}.
 */
final class SubwordLearner {
  private static final int DEAD = -1;

  /** An adjacent pair of symbol ids with its count and candidate positions (left symbol's). */
  private static final class Pair {
    final int left;
    final int right;
    long count;
    boolean removed;
    int[] positions = new int[2];
    int size;

    Pair(int left, int right) {
      this.left = left;
      this.right = right;
    }

    void addPosition(int pos) {
      if (size == positions.length) {
        positions = Arrays.copyOf(positions, size * 2);
      }
      positions[size++] = pos;
    }
  }

  private record Entry(long count, Pair pair) {}

  private final List<String> symbols = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Long, Pair> pairs = new HashMap<>();
  private final PriorityQueue<Entry> queue;
  private final Set<Pair> touched = new LinkedHashSet<>();
  private int[] sym;
  private int[] prev;
  private int[] next;
  private int[] weight;

  /**
   * @param chunkCounts chunk → frequency
   * @param alphabet the kept characters; any other character splits its chunk and never merges
   */
  SubwordLearner(Map<String, Long> chunkCounts, List<Integer> alphabet) {
    Comparator<Entry> order =
        Comparator.comparingLong((Entry e) -> -e.count())
            .thenComparing((Entry e) -> symbols.get(e.pair().left))
            .thenComparing((Entry e) -> symbols.get(e.pair().right));
    queue = new PriorityQueue<>(order);
    for (int cp : alphabet) {
      String s = Character.toString(cp);
      ids.put(s, symbols.size());
      symbols.add(s);
    }
    int total = 0;
    for (String chunk : chunkCounts.keySet()) {
      total += chunk.length();
    }
    sym = new int[total];
    prev = new int[total];
    next = new int[total];
    weight = new int[total];
    int n = 0;
    for (Map.Entry<String, Long> e : chunkCounts.entrySet()) {
      String chunk = e.getKey();
      int w = (int) Math.min(Integer.MAX_VALUE, e.getValue());
      int last = DEAD;
      for (int i = 0; i < chunk.length(); ) {
        int cp = chunk.codePointAt(i);
        i += Character.charCount(cp);
        Integer id = ids.get(Character.toString(cp));
        if (id == null) {
          last = DEAD;
          continue;
        }
        sym[n] = id;
        weight[n] = w;
        prev[n] = last;
        next[n] = DEAD;
        if (last != DEAD) {
          next[last] = n;
          add(sym[last], id, w, last);
        }
        last = n++;
      }
    }
    for (Pair p : pairs.values()) {
      queue.add(new Entry(p.count, p));
    }
    touched.clear();
  }

  private void add(int left, int right, long delta, int pos) {
    long key = ((long) left << 32) | right;
    Pair p = pairs.get(key);
    if (p == null) {
      if (delta < 0) {
        throw new IllegalStateException("pair count below zero: " + left + " " + right);
      }
      p = new Pair(left, right);
      pairs.put(key, p);
    }
    p.count += delta;
    if (delta > 0) {
      p.addPosition(pos);
    }
    if (p.count == 0) {
      pairs.remove(key);
      p.removed = true;
    }
    touched.add(p);
  }

  /** Learns merges until there are {@code vocabSize} distinct symbols or no pair is left. */
  List<Merge> run(int vocabSize) {
    List<Merge> merges = new ArrayList<>();
    int distinct = symbols.size();
    while (distinct < vocabSize) {
      Entry e = queue.poll();
      if (e == null) {
        break;
      }
      Pair p = e.pair();
      if (p.removed) {
        continue;
      }
      if (e.count() != p.count) {
        queue.add(new Entry(p.count, p));
        continue;
      }
      String merged = symbols.get(p.left) + symbols.get(p.right);
      Integer id = ids.get(merged);
      if (id == null) {
        id = symbols.size();
        ids.put(merged, id);
        symbols.add(merged);
        distinct++;
      }
      merges.add(new Merge(symbols.get(p.left), symbols.get(p.right)));
      apply(p, id);
    }
    return merges;
  }

  /** Replaces every live occurrence of {@code p}, left to right in each chunk, by {@code c}. */
  private void apply(Pair p, int c) {
    int a = p.left;
    int b = p.right;
    pairs.remove(((long) a << 32) | b);
    p.removed = true;
    int[] positions = Arrays.copyOf(p.positions, p.size);
    Arrays.sort(positions);
    touched.clear();
    for (int pos : positions) {
      int q = next[pos];
      if (sym[pos] != a || q == DEAD || sym[q] != b) {
        continue;
      }
      long w = weight[pos];
      int before = prev[pos];
      int after = next[q];
      if (before != DEAD) {
        decrement(sym[before], a, w);
      }
      if (after != DEAD) {
        decrement(b, sym[after], w);
      }
      sym[pos] = c;
      sym[q] = DEAD;
      next[pos] = after;
      if (after != DEAD) {
        prev[after] = pos;
      }
      if (before != DEAD) {
        add(sym[before], c, w, before);
      }
      if (after != DEAD) {
        add(c, sym[after], w, pos);
      }
    }
    for (Pair t : touched) {
      if (!t.removed) {
        queue.add(new Entry(t.count, t));
      }
    }
  }

  /** Lowers a neighbouring pair's count; the pair being merged is already out of the table. */
  private void decrement(int left, int right, long w) {
    if (pairs.containsKey(((long) left << 32) | right)) {
      add(left, right, -w, -1);
    }
  }
}
