package dev.rnn4j.data;

import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.Visible;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A bijection between tokens and ids {@code 0 .. size()-1}. Ids 0–3 are the special tokens {@link
 * #PAD} {@code <pad>}, {@link #BOS} {@code <s>}, {@link #EOS} {@code </s>} and {@link #UNK} {@code
 * <unk>}; ordinary tokens follow.
 *
 * <p>File format (UTF-8, {@code \n} line ends; {@code \r\n} is read too): the line {@value
 * #HEADER}, then one token per line in id order, starting with the four special tokens. Tokens are
 * non-empty and contain no line breaks (they may contain spaces).
 *
 * <p>Thread-safety: immutable; safe to share between threads.
 */
public final class Vocabulary {
  /** Padding id: fills batches past each sequence's end. */
  public static final int PAD = 0;

  /** Beginning-of-sequence id: the first decoder input. */
  public static final int BOS = 1;

  /** End-of-sequence id: the last decoder target. */
  public static final int EOS = 2;

  /** Unknown-token id: stands for every token not in the vocabulary. */
  public static final int UNK = 3;

  /** The special tokens, in id order. */
  public static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");

  /** First line of a vocabulary file. */
  public static final String HEADER = "#rnn4j-vocabulary v1";

  private final List<String> tokens;
  private final Map<String, Integer> ids;

  private Vocabulary(List<String> tokens) {
    this.tokens = Collections.unmodifiableList(tokens);
    this.ids = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
  }

  /**
   * The vocabulary of the special tokens followed by {@code tokens} in the given order.
   *
   * @throws IllegalArgumentException if a token is empty, contains a line break, is a special token
   *     or repeats
   */
  public static Vocabulary of(List<String> tokens) {
    List<String> all = new ArrayList<>(SPECIALS);
    Map<String, Integer> seen = new HashMap<>();
    for (String t : tokens) {
      checkToken(t);
      if (SPECIALS.contains(t)) {
        throw new IllegalArgumentException(
            "token "
                + Visible.quote(t)
                + " is a special token; leave it out, it is always present");
      }
      Integer prev = seen.put(t, all.size());
      if (prev != null) {
        throw new IllegalArgumentException(
            "token "
                + Visible.quote(t)
                + " appears twice (positions "
                + prev
                + " and "
                + all.size()
                + ")");
      }
      all.add(t);
    }
    return new Vocabulary(all);
  }

  /**
   * Token counts over sequences of tokens, for {@link #build}.
   *
   * @param sequences tokenized training sequences
   */
  public static Map<String, Long> count(Iterable<? extends List<String>> sequences) {
    Map<String, Long> counts = new HashMap<>();
    for (List<String> seq : sequences) {
      for (String t : seq) {
        counts.merge(t, 1L, Long::sum);
      }
    }
    return counts;
  }

  /**
   * The vocabulary of the most frequent tokens: those counted at least {@code minFrequency} times,
   * by decreasing count, ties by {@link String#compareTo} (so the result does not depend on map
   * order), keeping at most {@code maxSize} ids in all. Special tokens in {@code counts} are
   * ignored; they are always present.
   *
   * @param counts occurrences per token, e.g. from {@link #count}
   * @param minFrequency smallest count kept (>= 1)
   * @param maxSize largest {@link #size()}, the four special tokens included (>= 4); use {@link
   *     Integer#MAX_VALUE} for no limit
   * @throws IllegalArgumentException for an invalid limit or a token that cannot be stored
   */
  public static Vocabulary build(Map<String, Long> counts, int minFrequency, int maxSize) {
    if (minFrequency < 1) {
      throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
    }
    if (maxSize < SPECIALS.size()) {
      throw new IllegalArgumentException(
          "maxSize must be >= " + SPECIALS.size() + " (the special tokens), got " + maxSize);
    }
    List<Map.Entry<String, Long>> kept = new ArrayList<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getValue() >= minFrequency && !SPECIALS.contains(e.getKey())) {
        checkToken(e.getKey());
        kept.add(e);
      }
    }
    kept.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < kept.size() && i < maxSize - SPECIALS.size(); i++) {
      tokens.add(kept.get(i).getKey());
    }
    return of(tokens);
  }

  /**
   * One vocabulary for both sides of a corpus ({@link #build} of the summed counts), for shared
   * embeddings and copy attention, where a source id must mean the same token as a target id.
   */
  public static Vocabulary buildJoint(
      Map<String, Long> sourceCounts,
      Map<String, Long> targetCounts,
      int minFrequency,
      int maxSize) {
    Map<String, Long> both = new HashMap<>(sourceCounts);
    targetCounts.forEach((token, n) -> both.merge(token, n, Long::sum));
    return build(both, minFrequency, maxSize);
  }

  private static void checkToken(String t) {
    if (t == null || t.isEmpty()) {
      throw new IllegalArgumentException("tokens must be non-empty, got \"" + t + "\"");
    }
    if (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "token "
              + Visible.quote(t)
              + " contains a line break; vocabulary files store one token per line");
    }
  }

  /** Number of ids, special tokens included. */
  public int size() {
    return tokens.size();
  }

  /** The id of {@code token}, or {@link #UNK} if it is not in the vocabulary. */
  public int id(String token) {
    return ids.getOrDefault(token, UNK);
  }

  /** Whether {@code token} has its own id. */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /** The token with id {@code id}; throws if {@code id} is outside {@code [0, size())}. */
  public String token(int id) {
    if (id < 0 || id >= tokens.size()) {
      throw new IllegalArgumentException("id " + id + " is outside [0, " + tokens.size() + ")");
    }
    return tokens.get(id);
  }

  /** All tokens in id order (unmodifiable). */
  public List<String> tokens() {
    return tokens;
  }

  /** Ids of {@code tokens}, unknown ones as {@link #UNK}; no BOS or EOS is added. */
  public int[] encode(List<String> tokens) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = id(tokens.get(i));
    }
    return out;
  }

  /**
   * Tokens of a model output: stops at the first {@link #EOS}, skips {@link #PAD} and {@link #BOS};
   * {@link #UNK} decodes as {@code <unk>}.
   *
   * @throws IllegalArgumentException if an id is outside {@code [0, size())}
   */
  public List<String> decode(int[] ids) {
    List<String> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      if (id == EOS) {
        break;
      }
      String t = token(id);
      if (id != PAD && id != BOS) {
        out.add(t);
      }
    }
    return out;
  }

  /** Atomically writes the vocabulary file (see the class comment for the format). */
  public void save(Path file) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (String t : tokens) {
      sb.append(t).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /**
   * Reads a file written by {@link #save}. Files edited on Windows read the same: a UTF-8
   * byte-order mark at the start and a {@code \r} before each line end are ignored.
   *
   * @throws FileFormatException if the file is not valid UTF-8, lacks the header or the special
   *     tokens, or holds an empty or repeated token; the message names the line
   */
  public static Vocabulary load(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** {@link #load} of a file's bytes; {@code name} labels errors. */
  static Vocabulary read(byte[] bytes, String name) throws FileFormatException {
    String text = Utf8.decodeFile(bytes, name);
    List<String> lines = Utf8.lines(text);
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new FileFormatException(
          name,
          "first line is "
              + Visible.quote(lines.isEmpty() ? "" : lines.get(0))
              + ", expected \""
              + HEADER
              + "\"; not an rnn4j vocabulary file (write one with Vocabulary.save)");
    }
    if (!text.endsWith("\n")) {
      throw new FileFormatException(name, "the last line has no line end; the file is truncated");
    }
    List<String> tokens = new ArrayList<>(lines.size() - 1);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String t = lines.get(i);
      int lineNo = i + 1;
      if (t.isEmpty()) {
        throw new FileFormatException(
            name, "line " + lineNo + " is empty; every line must hold one token");
      }
      if (t.indexOf('\r') >= 0) {
        throw new FileFormatException(
            name,
            "line "
                + lineNo
                + " is "
                + Visible.quote(t)
                + ": a token cannot hold a carriage return; corrupted file");
      }
      if (i - 1 < SPECIALS.size() && !t.equals(SPECIALS.get(i - 1))) {
        throw new FileFormatException(
            name,
            "line "
                + lineNo
                + " is "
                + Visible.quote(t)
                + ", expected the special token "
                + SPECIALS.get(i - 1));
      }
      Integer prev = seen.put(t, lineNo);
      if (prev != null) {
        throw new FileFormatException(
            name,
            "token "
                + Visible.quote(t)
                + " appears on lines "
                + prev
                + " and "
                + lineNo
                + "; corrupted");
      }
      tokens.add(t);
    }
    if (tokens.size() < SPECIALS.size()) {
      throw new FileFormatException(
          name,
          "holds "
              + tokens.size()
              + " tokens, fewer than the "
              + SPECIALS.size()
              + " special tokens; the file is truncated");
    }
    return new Vocabulary(tokens);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && tokens.equals(v.tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }

  @Override
  public String toString() {
    return "Vocabulary(" + tokens.size() + " tokens)";
  }
}
