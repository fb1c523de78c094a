package dev.rnn4j.data;

import dev.rnn4j.data.BpeTokenizer.Merge;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.Visible;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SentencePiece-style byte-pair-encoding subwords: the space before each word is a visible symbol,
 * U+2581 "▁", so that pieces join back into the text, and merges never cross a change between
 * letters, digits and punctuation (see {@link SubwordText} for both rules). No piece mixes letters
 * with punctuation.
 *
 * <p><b>Round trip.</b> {@code detokenize(tokenize(s))} equals {@link #normalize normalize(s)}: s
 * with each whitespace run (Unicode spaces, tabs, line ends, and "▁" itself) replaced by one space
 * and the ends trimmed, as SentencePiece's default {@code remove_extra_whitespaces}; everything
 * else is kept exactly, including characters outside the alphabet.
 *
 * <p><b>Vocabulary.</b> {@link #vocabulary()} lists the alphabet (characters kept by the character
 * coverage, most frequent first), then each distinct piece the merges create, in merge order; its
 * size is the {@code vocabSize} asked for at learning unless the text ran out of pairs. A character
 * outside the alphabet comes out of {@link #tokenize} as a piece of its own that is not in the
 * vocabulary, so a {@link Vocabulary} built from {@link #vocabulary()} maps it to {@code <unk>}
 * (SentencePiece emits {@code <unk>} itself; keeping the character lets the text survive a
 * tokenize/detokenize round trip).
 *
 * <p><b>Encoding</b> applies the merges like learning did: repeatedly the earliest-learned merge
 * among the adjacent pairs of a chunk, at all its non-overlapping places from the left.
 *
 * <p><b>File format</b> (UTF-8, {@code \n} or {@code \r\n} line ends): the line {@value #HEADER};
 * {@code vocab_size N}; {@code character_coverage X}; {@code alphabet N} followed by N lines {@code
 * U+XXXX} (one character each); {@code merges M} followed by M lines {@code LEFT RIGHT}; nothing
 * after. Pieces never contain whitespace, so one space separates the sides.
 *
 * <p>Thread-safety: immutable apart from an internal cache of chunk encodings, which is a
 * concurrent map; safe to share between threads.
 */
public final class SubwordTokenizer implements Tokenizer {
  /** First line of a model file. */
  public static final String HEADER = "#rnn4j-spm-bpe v1";

  /** The space marker, U+2581, that starts every word's first piece. */
  public static final String SPACE = "\u2581";

  /** SentencePiece's default character coverage. */
  public static final double DEFAULT_CHARACTER_COVERAGE = 0.9995;

  private static final int CACHE_LIMIT = 1 << 17;

  private final List<Integer> alphabet;
  private final List<Merge> merges;
  private final double characterCoverage;
  private final List<String> vocabulary;
  private final Set<String> vocabularySet;
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Long, long[]> ranks = new HashMap<>();
  private final List<String> symbols = new ArrayList<>();
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /**
   * A tokenizer over {@code alphabet} (code points) applying {@code merges} in order.
   *
   * @throws IllegalArgumentException if the alphabet repeats a character or holds whitespace, or a
   *     merge repeats or uses a side that is neither in the alphabet nor made by an earlier merge
   */
  public SubwordTokenizer(List<Integer> alphabet, List<Merge> merges, double characterCoverage) {
    if (!(characterCoverage > 0 && characterCoverage <= 1)) {
      throw new IllegalArgumentException(
          "character coverage must be in (0, 1], got " + characterCoverage);
    }
    this.alphabet = List.copyOf(alphabet);
    this.merges = List.copyOf(merges);
    this.characterCoverage = characterCoverage;
    List<String> vocab = new ArrayList<>();
    for (int cp : this.alphabet) {
      String s = Character.toString(cp);
      if (cp != SubwordText.SPACE_MARK && SubwordText.isWhitespace(cp)) {
        throw new IllegalArgumentException("alphabet holds whitespace " + Visible.quote(s));
      }
      if (ids.putIfAbsent(s, symbols.size()) != null) {
        throw new IllegalArgumentException("alphabet repeats " + Visible.quote(s));
      }
      symbols.add(s);
      vocab.add(s);
    }
    for (int rank = 0; rank < this.merges.size(); rank++) {
      Merge m = this.merges.get(rank);
      Integer left = ids.get(m.left());
      Integer right = ids.get(m.right());
      if (left == null || right == null) {
        throw new IllegalArgumentException(
            "merge "
                + (rank + 1)
                + " "
                + Visible.quote(m.left() + " " + m.right())
                + " uses "
                + Visible.quote(left == null ? m.left() : m.right())
                + ", which is neither in the alphabet nor made by an earlier merge");
      }
      String merged = m.merged();
      Integer id = ids.get(merged);
      if (id == null) {
        id = symbols.size();
        ids.put(merged, id);
        symbols.add(merged);
        vocab.add(merged);
      }
      long key = ((long) left << 32) | right;
      if (ranks.putIfAbsent(key, new long[] {rank, id}) != null) {
        throw new IllegalArgumentException(
            "merge "
                + (rank + 1)
                + " "
                + Visible.quote(m.left() + " " + m.right())
                + " repeats merge "
                + (ranks.get(key)[0] + 1));
      }
    }
    this.vocabulary = Collections.unmodifiableList(vocab);
    this.vocabularySet = Set.copyOf(vocab);
  }

  /** Learns a model of {@code vocabSize} pieces with the default character coverage. */
  public static SubwordTokenizer learn(Iterable<String> texts, int vocabSize) {
    return learn(texts, vocabSize, DEFAULT_CHARACTER_COVERAGE);
  }

  /**
   * Learns a model from {@code texts}.
   *
   * @param texts training text, one sentence or line per element
   * @param vocabSize the number of distinct pieces wanted, alphabet included (SentencePiece's
   *     vocab_size less its three control pieces {@code <unk> <s> </s>})
   * @param characterCoverage the share of character occurrences the alphabet must cover, in (0, 1]:
   *     the most frequent characters are kept until they cover it; 1 keeps all
   * @throws IllegalArgumentException if the coverage is out of range or {@code vocabSize} is
   *     smaller than the alphabet it keeps
   */
  public static SubwordTokenizer learn(
      Iterable<String> texts, int vocabSize, double characterCoverage) {
    return learnJoint(List.of(texts), vocabSize, characterCoverage);
  }

  /**
   * Learns one model from several texts, e.g. both sides of a parallel corpus, so that it serves
   * all of them: their chunk and character counts are added before learning.
   */
  public static SubwordTokenizer learnJoint(
      List<? extends Iterable<String>> texts, int vocabSize, double characterCoverage) {
    if (!(characterCoverage > 0 && characterCoverage <= 1)) {
      throw new IllegalArgumentException(
          "character coverage must be in (0, 1], got " + characterCoverage);
    }
    Map<String, Long> chunks = new HashMap<>();
    for (Iterable<String> text : texts) {
      for (String line : text) {
        SubwordText.chunks(line, c -> chunks.merge(c, 1L, Long::sum));
      }
    }
    List<Integer> alphabet = alphabet(chunks, characterCoverage);
    if (vocabSize < alphabet.size()) {
      throw new IllegalArgumentException(
          "vocabulary size "
              + vocabSize
              + " is smaller than the "
              + alphabet.size()
              + " characters kept by character coverage "
              + characterCoverage
              + "; ask for at least "
              + alphabet.size()
              + " or lower the coverage");
    }
    List<Merge> merges = new SubwordLearner(new TreeMap<>(chunks), alphabet).run(vocabSize);
    return new SubwordTokenizer(alphabet, merges, characterCoverage);
  }

  /**
   * The most frequent characters, "▁" always among them, until they cover {@code coverage} of all
   * character occurrences; ties by code point. Unpaired surrogates are never kept.
   */
  private static List<Integer> alphabet(Map<String, Long> chunks, double coverage) {
    Map<Integer, Long> counts = new HashMap<>();
    for (Map.Entry<String, Long> e : chunks.entrySet()) {
      long f = e.getValue();
      e.getKey().codePoints().forEach(cp -> counts.merge(cp, f, Long::sum));
    }
    long total = 0;
    for (long c : counts.values()) {
      total += c;
    }
    List<Map.Entry<Integer, Long>> byCount = new ArrayList<>(counts.entrySet());
    byCount.sort(
        Map.Entry.<Integer, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<Integer> kept = new ArrayList<>();
    long covered = 0;
    for (Map.Entry<Integer, Long> e : byCount) {
      if (covered >= coverage * total) {
        break;
      }
      int cp = e.getKey();
      if (Character.isSupplementaryCodePoint(cp) || !Character.isSurrogate((char) cp)) {
        kept.add(cp);
      }
      covered += e.getValue();
    }
    if (!kept.contains(SubwordText.SPACE_MARK)) {
      kept.add(0, SubwordText.SPACE_MARK);
    }
    return kept;
  }

  /** {@code text} as {@link #detokenize detokenize(tokenize(text))} returns it. */
  public static String normalize(String text) {
    return SubwordText.normalize(text);
  }

  @Override
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    SubwordText.chunks(text, c -> out.addAll(encodeChunk(c)));
    return out;
  }

  private List<String> encodeChunk(String chunk) {
    List<String> cached = cache.get(chunk);
    if (cached != null) {
      return cached;
    }
    List<String> out = new ArrayList<>();
    int[] seg = new int[chunk.length()];
    int n = 0;
    for (int i = 0; i < chunk.length(); ) {
      int cp = chunk.codePointAt(i);
      int len = Character.charCount(cp);
      Integer id = ids.get(chunk.substring(i, i + len));
      if (id == null || id >= alphabet.size()) {
        n = encodeSegment(seg, n, out);
        out.add(chunk.substring(i, i + len));
      } else {
        seg[n++] = id;
      }
      i += len;
    }
    encodeSegment(seg, n, out);
    List<String> result = List.copyOf(out);
    if (cache.size() < CACHE_LIMIT) {
      cache.put(chunk, result);
    }
    return result;
  }

  /** Merges the symbols {@code seg[0, n)} and appends their pieces; returns 0. */
  private int encodeSegment(int[] seg, int n, List<String> out) {
    while (n > 1) {
      long bestRank = Long.MAX_VALUE;
      long[] best = null;
      int bestLeft = -1;
      int bestRight = -1;
      for (int i = 0; i + 1 < n; i++) {
        long[] r = ranks.get(((long) seg[i] << 32) | seg[i + 1]);
        if (r != null && r[0] < bestRank) {
          bestRank = r[0];
          best = r;
          bestLeft = seg[i];
          bestRight = seg[i + 1];
        }
      }
      if (best == null) {
        break;
      }
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && seg[i] == bestLeft && seg[i + 1] == bestRight) {
          seg[m++] = (int) best[1];
          i++;
        } else {
          seg[m++] = seg[i];
        }
      }
      n = m;
    }
    for (int i = 0; i < n; i++) {
      out.add(symbols.get(seg[i]));
    }
    return 0;
  }

  /**
   * Concatenates the pieces with each "▁" made a space, dropping the space of the first piece (the
   * dummy prefix).
   */
  @Override
  public String detokenize(List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (String t : tokens) {
      sb.append(t);
    }
    String s = sb.toString().replace(SPACE, " ");
    return s.startsWith(" ") ? s.substring(1) : s;
  }

  /** The pieces the model can emit apart from characters outside its alphabet (unmodifiable). */
  public List<String> vocabulary() {
    return vocabulary;
  }

  /** Whether {@code piece} is in {@link #vocabulary()}. */
  public boolean inVocabulary(String piece) {
    return vocabularySet.contains(piece);
  }

  /** The alphabet's code points, most frequent in the training text first (unmodifiable). */
  public List<Integer> alphabet() {
    return alphabet;
  }

  /** The learned merges, in order (unmodifiable). */
  public List<Merge> merges() {
    return merges;
  }

  /** The character coverage the alphabet was chosen with. */
  public double characterCoverage() {
    return characterCoverage;
  }

  /** Atomically writes the model file (see the class comment for the format). */
  public void save(Path file) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append("vocab_size ").append(vocabulary.size()).append('\n');
    sb.append("character_coverage ").append(characterCoverage).append('\n');
    sb.append("alphabet ").append(alphabet.size()).append('\n');
    for (int cp : alphabet) {
      sb.append(String.format(Locale.ROOT, "U+%04X", cp)).append('\n');
    }
    sb.append("merges ").append(merges.size()).append('\n');
    for (Merge m : merges) {
      sb.append(m.left()).append(' ').append(m.right()).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /**
   * Reads a file written by {@link #save}. A UTF-8 byte-order mark and {@code \r\n} line ends are
   * accepted.
   *
   * @throws FileFormatException if the file is not valid UTF-8 or not a model file; the message
   *     names the line
   */
  public static SubwordTokenizer load(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** {@link #load} of a file's bytes; {@code name} labels errors. */
  static SubwordTokenizer read(byte[] bytes, String name) throws FileFormatException {
    List<String> lines = Utf8.lines(Utf8.decodeFile(bytes, name));
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new FileFormatException(
          name,
          "first line is "
              + Visible.quote(lines.isEmpty() ? "" : lines.get(0))
              + ", expected \""
              + HEADER
              + "\"; not an rnn4j subword model (see SubwordTokenizer)");
    }
    Reader r = new Reader(lines, name);
    int vocabSize = r.count("vocab_size");
    double coverage = r.coverage();
    int alphabetSize = r.count("alphabet");
    List<Integer> alphabet = new ArrayList<>(alphabetSize);
    for (int i = 0; i < alphabetSize; i++) {
      alphabet.add(r.codePoint());
    }
    int mergeCount = r.count("merges");
    List<Merge> merges = new ArrayList<>(mergeCount);
    for (int i = 0; i < mergeCount; i++) {
      merges.add(r.merge());
    }
    r.end();
    SubwordTokenizer t;
    try {
      t = new SubwordTokenizer(alphabet, merges, coverage);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(name, e.getMessage() + "; corrupted file", e);
    }
    if (t.vocabulary().size() != vocabSize) {
      throw new FileFormatException(
          name,
          "line 2 says vocab_size "
              + vocabSize
              + " but the alphabet and merges make "
              + t.vocabulary().size()
              + " pieces; corrupted file");
    }
    return t;
  }

  /** Line-by-line parsing of a model file with errors that name the line. */
  private static final class Reader {
    private final List<String> lines;
    private final String name;
    private int at = 1;

    Reader(List<String> lines, String name) {
      this.lines = lines;
      this.name = name;
    }

    private String next(String expected) throws FileFormatException {
      if (at >= lines.size()) {
        throw new FileFormatException(
            name, "ends after line " + lines.size() + ", expected " + expected + "; truncated?");
      }
      return lines.get(at++);
    }

    private FileFormatException bad(String line, String expected) {
      return new FileFormatException(
          name, "line " + at + " is " + Visible.quote(line) + ", expected " + expected);
    }

    int count(String key) throws FileFormatException {
      String expected = "\"" + key + " <count>\"";
      String line = next(expected);
      if (!line.startsWith(key + " ")) {
        throw bad(line, expected);
      }
      try {
        int n = Integer.parseInt(line.substring(key.length() + 1));
        if (n < 0) {
          throw bad(line, expected);
        }
        return n;
      } catch (NumberFormatException e) {
        throw bad(line, expected);
      }
    }

    double coverage() throws FileFormatException {
      String expected = "\"character_coverage <number in (0, 1]>\"";
      String line = next(expected);
      String key = "character_coverage ";
      if (!line.startsWith(key)) {
        throw bad(line, expected);
      }
      try {
        double c = Double.parseDouble(line.substring(key.length()));
        if (!(c > 0 && c <= 1)) {
          throw bad(line, expected);
        }
        return c;
      } catch (NumberFormatException e) {
        throw bad(line, expected);
      }
    }

    int codePoint() throws FileFormatException {
      String expected = "an alphabet character as \"U+XXXX\"";
      String line = next(expected);
      if (!line.matches("U\\+[0-9A-F]{4,6}")) {
        throw bad(line, expected);
      }
      int cp = Integer.parseInt(line.substring(2), 16);
      if (!Character.isValidCodePoint(cp) || (cp <= 0xFFFF && Character.isSurrogate((char) cp))) {
        throw bad(line, "a Unicode scalar value");
      }
      return cp;
    }

    Merge merge() throws FileFormatException {
      String expected = "a merge \"LEFT RIGHT\"";
      String line = next(expected);
      String[] parts = line.split(" ", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw bad(line, expected);
      }
      return new Merge(parts[0], parts[1]);
    }

    void end() throws FileFormatException {
      if (at < lines.size()) {
        throw new FileFormatException(
            name,
            "line "
                + (at + 1)
                + " is "
                + Visible.quote(lines.get(at))
                + ", expected the end of the file after the merges (does the merges count of"
                + " the file match its lines?)");
      }
    }
  }

  @Override
  public String toString() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("vocab_size", vocabulary.size());
    s.put("alphabet", alphabet.size());
    s.put("merges", merges.size());
    s.put("character_coverage", characterCoverage);
    return "SubwordTokenizer" + s;
  }
}
