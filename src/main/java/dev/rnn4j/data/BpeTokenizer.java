package dev.rnn4j.data;

import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.Visible;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Byte-pair-encoding subwords (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with
 * Subword Units"). Text is split into words at whitespace; each word starts as its code points, the
 * last one carrying an end-of-word marker ({@code "</w>"} by default), and the learned merges are
 * applied in the order they were learned.
 *
 * <p><b>Learning</b> repeatedly merges the adjacent symbol pair with the highest count, weighted by
 * word frequency; ties go to the pair whose left, then right symbol is smallest by {@link
 * String#compareTo}, so the merges are a function of the text alone. It stops after {@code
 * numMerges} merges or when no pair occurs at least twice.
 *
 * <p><b>Round trip.</b> {@code detokenize(tokenize(s))} equals {@code s} with whitespace runs
 * collapsed to single spaces and trimmed, provided no word of {@code s} contains the marker.
 *
 * <p><b>File format</b> (UTF-8, compatible in spirit with subword-nmt): the line {@value #HEADER},
 * the line {@code #marker MARKER}, then one merge per line as {@code LEFT RIGHT}; {@code \r\n} line
 * ends are read too.
 *
 * <p>Thread-safety: immutable; safe to share between threads.
 */
public final class BpeTokenizer implements Tokenizer {
  /** The default end-of-word marker. */
  public static final String DEFAULT_MARKER = "</w>";

  /** First line of a merges file. */
  public static final String HEADER = "#rnn4j-bpe v1";

  private static final String MARKER_LINE = "#marker ";
  private static final WhitespaceTokenizer WORDS = new WhitespaceTokenizer();

  /** One learned merge: the adjacent symbols {@code left right} become {@code left + right}. */
  public record Merge(String left, String right) {
    public Merge {
      if (left == null || left.isEmpty() || right == null || right.isEmpty()) {
        throw new IllegalArgumentException(
            "merge sides must be non-empty, got \"" + left + "\" \"" + right + "\"");
      }
    }

    /** The symbol the merge produces. */
    public String merged() {
      return left + right;
    }
  }

  private final String marker;
  private final List<Merge> merges;
  private final Map<Merge, Integer> ranks;

  /**
   * A tokenizer applying {@code merges} in order.
   *
   * @throws IllegalArgumentException if the marker is empty or has whitespace, or a merge repeats
   */
  public BpeTokenizer(List<Merge> merges, String marker) {
    checkMarker(marker);
    this.marker = marker;
    this.merges = List.copyOf(merges);
    this.ranks = new HashMap<>(merges.size() * 2);
    for (int i = 0; i < this.merges.size(); i++) {
      Merge m = this.merges.get(i);
      if (ranks.putIfAbsent(m, i) != null) {
        throw new IllegalArgumentException(
            "merge "
                + Visible.quote(m.left() + " " + m.right())
                + " appears twice (at "
                + ranks.get(m)
                + ")");
      }
    }
  }

  private static void checkMarker(String marker) {
    if (marker == null || marker.isEmpty() || marker.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "end-of-word marker must be non-empty without whitespace, got " + Visible.quote(marker));
    }
  }

  /** Learns up to {@code numMerges} merges from {@code texts} with the default marker. */
  public static BpeTokenizer learn(Iterable<String> texts, int numMerges) {
    return learn(texts, numMerges, DEFAULT_MARKER);
  }

  /**
   * Learns up to {@code numMerges} merges from {@code texts}.
   *
   * @param texts training text, split into words at whitespace
   * @param numMerges maximum number of merges (>= 0)
   * @param marker end-of-word marker, non-empty, without whitespace
   */
  public static BpeTokenizer learn(Iterable<String> texts, int numMerges, String marker) {
    if (numMerges < 0) {
      throw new IllegalArgumentException("numMerges must be >= 0, got " + numMerges);
    }
    checkMarker(marker);
    Map<String, Long> wordCounts = new TreeMap<>();
    for (String text : texts) {
      for (String w : WORDS.tokenize(text)) {
        wordCounts.merge(w, 1L, Long::sum);
      }
    }
    return new BpeTokenizer(new Learner(wordCounts, marker).run(numMerges), marker);
  }

  /** Incremental pair counting: each merge revisits only the words that contain the pair. */
  private static final class Learner {
    private record Candidate(long count, Merge pair) {}

    private static final Comparator<Candidate> ORDER =
        Comparator.comparingLong((Candidate c) -> -c.count())
            .thenComparing(c -> c.pair().left())
            .thenComparing(c -> c.pair().right());

    private final List<List<String>> words = new ArrayList<>();
    private final long[] freq;
    private final Map<Merge, Long> counts = new HashMap<>();
    private final TreeSet<Candidate> queue = new TreeSet<>(ORDER);
    private final Map<Merge, Set<Integer>> where = new HashMap<>();

    Learner(Map<String, Long> wordCounts, String marker) {
      freq = new long[wordCounts.size()];
      for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
        freq[words.size()] = e.getValue();
        words.add(initialSymbols(e.getKey(), marker));
      }
      for (int w = 0; w < words.size(); w++) {
        addPairs(w, +1);
      }
    }

    List<Merge> run(int numMerges) {
      List<Merge> learned = new ArrayList<>();
      while (learned.size() < numMerges && !queue.isEmpty() && queue.first().count() >= 2) {
        Merge best = queue.first().pair();
        learned.add(best);
        List<Integer> affected = new ArrayList<>(where.remove(best));
        Collections.sort(affected);
        for (int w : affected) {
          addPairs(w, -1);
          words.set(w, applyMerge(words.get(w), best));
          addPairs(w, +1);
        }
      }
      return learned;
    }

    private void addPairs(int w, int sign) {
      List<String> s = words.get(w);
      for (int i = 0; i + 1 < s.size(); i++) {
        Merge p = new Merge(s.get(i), s.get(i + 1));
        add(p, sign * freq[w]);
        if (sign > 0) {
          where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
        }
      }
    }

    private void add(Merge p, long delta) {
      Long old = counts.get(p);
      long now = (old == null ? 0 : old) + delta;
      if (old != null) {
        queue.remove(new Candidate(old, p));
      }
      if (now > 0) {
        counts.put(p, now);
        queue.add(new Candidate(now, p));
      } else {
        counts.remove(p);
      }
    }
  }

  /** The code points of {@code word}, the marker appended to the last. */
  private static List<String> initialSymbols(String word, String marker) {
    List<String> s = new ArrayList<>(word.length());
    for (int i = 0; i < word.length(); ) {
      int n = Character.charCount(word.codePointAt(i));
      s.add(word.substring(i, i + n));
      i += n;
    }
    int last = s.size() - 1;
    s.set(last, s.get(last) + marker);
    return s;
  }

  /** Merges every non-overlapping occurrence of {@code m}, left to right. */
  private static List<String> applyMerge(List<String> s, Merge m) {
    List<String> out = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      if (i + 1 < s.size() && s.get(i).equals(m.left()) && s.get(i + 1).equals(m.right())) {
        out.add(m.merged());
        i++;
      } else {
        out.add(s.get(i));
      }
    }
    return out;
  }

  /** The learned merges, in order (unmodifiable). */
  public List<Merge> merges() {
    return merges;
  }

  /** The end-of-word marker. */
  public String marker() {
    return marker;
  }

  @Override
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    for (String word : WORDS.tokenize(text)) {
      out.addAll(segment(word));
    }
    return out;
  }

  /** The subwords of one word: repeatedly applies the earliest-learned merge that occurs. */
  private List<String> segment(String word) {
    List<String> s = initialSymbols(word, marker);
    while (s.size() > 1) {
      Merge best = null;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < s.size(); i++) {
        Merge p = new Merge(s.get(i), s.get(i + 1));
        Integer r = ranks.get(p);
        if (r != null && r < bestRank) {
          bestRank = r;
          best = p;
        }
      }
      if (best == null) {
        break;
      }
      s = applyMerge(s, best);
    }
    return s;
  }

  /**
   * Concatenates the tokens; a token ending in the marker ends a word (the marker becomes a space).
   */
  @Override
  public String detokenize(List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (String t : tokens) {
      if (t.endsWith(marker)) {
        sb.append(t, 0, t.length() - marker.length()).append(' ');
      } else {
        sb.append(t);
      }
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    return sb.substring(0, end);
  }

  /** Atomically writes the merges file (see the class comment for the format). */
  public void save(Path file) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append(MARKER_LINE).append(marker).append('\n');
    for (Merge m : merges) {
      sb.append(m.left()).append(' ').append(m.right()).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /**
   * Reads a file written by {@link #save}. A UTF-8 byte-order mark at the start and a {@code \r}
   * before each line end (files edited on Windows) are ignored.
   *
   * @throws FileFormatException if the file is not valid UTF-8 or not a merges file; the message
   *     names the line
   */
  public static BpeTokenizer load(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** {@link #load} of a file's bytes; {@code name} labels errors. */
  static BpeTokenizer read(byte[] bytes, String name) throws FileFormatException {
    List<String> lines = Utf8.lines(Utf8.decodeFile(bytes, name));
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new FileFormatException(
          name,
          "first line is "
              + Visible.quote(lines.isEmpty() ? "" : lines.get(0))
              + ", expected \""
              + HEADER
              + "\"; not an rnn4j BPE merges file (see BpeTokenizer)");
    }
    if (lines.size() < 2 || !lines.get(1).startsWith(MARKER_LINE)) {
      throw new FileFormatException(
          name,
          "line 2 is "
              + Visible.quote(lines.size() < 2 ? "" : lines.get(1))
              + ", expected \""
              + MARKER_LINE
              + "<marker>\"");
    }
    String marker = lines.get(1).substring(MARKER_LINE.length());
    List<Merge> merges = new ArrayList<>(lines.size() - 2);
    Map<Merge, Integer> seen = new HashMap<>();
    for (int i = 2; i < lines.size(); i++) {
      String[] parts = lines.get(i).split(" ", -1);
      int lineNo = i + 1;
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new FileFormatException(
            name,
            "line " + lineNo + " is " + Visible.quote(lines.get(i)) + ", expected \"LEFT RIGHT\"");
      }
      Merge m = new Merge(parts[0], parts[1]);
      Integer prev = seen.put(m, lineNo);
      if (prev != null) {
        throw new FileFormatException(
            name, "merge on line " + lineNo + " repeats line " + prev + "; corrupted file");
      }
      merges.add(m);
    }
    try {
      return new BpeTokenizer(merges, marker);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(name, e.getMessage(), e);
    }
  }
}
