package dev.rnn4j.data;

import dev.rnn4j.io.FileFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parallel and summarisation corpora from Debian's package-description translations (the files
 * {@code *_i18n_Translation-LL} that {@code apt-get -o Acquire::Languages=en,LL update} leaves
 * under {@code /var/lib/apt/lists}, decompressed). A record is {@code Package:}, {@code
 * Description-md5:} and {@code Description-LL:} (a one-line synopsis, then the long description:
 * continuation lines start with a space, a line " ." separates paragraphs, lines indented further
 * are pre-formatted). Records of two languages pair by their md5, which identifies the English
 * original.
 *
 * <p>Translation pairs: the synopses, and the paragraphs of descriptions with the same number of
 * paragraphs, paired in order, where neither side holds a list or pre-formatted text and both have
 * at most {@link #MAX_WORDS} words. Summarisation pairs: an English description's first paragraph
 * (prose, {@link #MIN_SUMMARY_SOURCE_WORDS} to {@link #MAX_SUMMARY_SOURCE_WORDS} words) → its
 * synopsis. Both are de-duplicated by source text and split into train/dev/test by a hash of the
 * source, so no source is in two splits and the split does not depend on file order. Stateless.
 */
public final class DebianDescriptions {
  /** Longest paragraph (in whitespace-separated words) kept as a translation pair. */
  public static final int MAX_WORDS = 60;

  /** Bounds on the first paragraph of a summarisation pair, in words. */
  public static final int MIN_SUMMARY_SOURCE_WORDS = 10;

  public static final int MAX_SUMMARY_SOURCE_WORDS = 120;

  /** Of 1,000 hash buckets of the source text: [0, 25) dev, [25, 50) test, the rest train. */
  static final int DEV_BUCKETS = 25;

  static final int TEST_BUCKETS = 25;

  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern LIST_ITEM = Pattern.compile("^([-*+o•]|\\d+[.)])\\s.*");

  private DebianDescriptions() {}

  /** A description: its synopsis and its paragraphs (prose joined to one line, or null). */
  public record Description(String synopsis, List<String> paragraphs) {}

  /** A source/target pair. */
  public record Pair(String source, String target) {}

  /** The three splits of a corpus. */
  public record Splits(List<Pair> train, List<Pair> dev, List<Pair> test) {}

  /** Checks a language code as Debian's lists name it ({@code fr}, {@code de}, {@code pt_BR}). */
  public static String checkLanguage(String code) {
    if (code == null || !LANGUAGE.matcher(code).matches()) {
      throw new IllegalArgumentException(
          "language code '"
              + code
              + "' is not one Debian uses (two or three lower-case letters, optionally _ and a"
              + " country, e.g. fr, de, pt_BR)");
    }
    return code;
  }

  /**
   * Reads the records of one decompressed Translation file: md5 → description. A later record with
   * the same md5 (the same text for another package) is ignored.
   *
   * @param language the language whose {@code Description-LL} field is read
   * @throws FileFormatException naming the file and line of a malformed record
   */
  public static Map<String, Description> read(Path file, String language) throws IOException {
    String field = "Description-" + checkLanguage(language) + ":";
    Map<String, Description> out = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String md5 = null;
      String synopsis = null;
      List<String> lines = new ArrayList<>();
      int lineNo = 0;
      for (String line; ; ) {
        line = r.readLine();
        lineNo++;
        if (line == null || line.isEmpty()) {
          if (md5 != null && synopsis != null && !out.containsKey(md5)) {
            out.put(md5, new Description(synopsis, paragraphs(lines)));
          }
          md5 = null;
          synopsis = null;
          lines.clear();
          if (line == null) {
            break;
          }
        } else if (line.startsWith(" ")) {
          if (synopsis == null) {
            throw new FileFormatException(
                file + ":" + lineNo, "a continuation line before any Description field");
          }
          lines.add(line);
        } else if (line.startsWith("Description-md5:")) {
          md5 = line.substring("Description-md5:".length()).trim();
        } else if (line.startsWith(field)) {
          synopsis = line.substring(field.length()).trim();
        } else if (line.startsWith("Description-")) {
          throw new FileFormatException(
              file + ":" + lineNo,
              "a "
                  + line.substring(0, line.indexOf(':') + 1)
                  + " field where "
                  + field
                  + " was expected; is this the Translation-"
                  + language
                  + " file?");
        }
      }
    }
    return out;
  }

  /**
   * The paragraphs of a long description (its continuation lines): prose paragraphs joined to one
   * line with single spaces; null for a paragraph with a list item or pre-formatted lines.
   */
  static List<String> paragraphs(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder p = new StringBuilder();
    boolean prose = true;
    for (int i = 0; i <= lines.size(); i++) {
      String l = i < lines.size() ? lines.get(i) : " .";
      if (l.equals(" .")) {
        if (p.length() > 0) {
          out.add(prose ? p.toString() : null);
        }
        p.setLength(0);
        prose = true;
        continue;
      }
      String text = l.substring(1);
      if (text.startsWith(" ") || LIST_ITEM.matcher(text).matches()) {
        prose = false;
      }
      String t = text.strip().replaceAll("\\s+", " ");
      if (!t.isEmpty()) {
        p.append(p.length() > 0 ? " " : "").append(t);
      }
    }
    return out;
  }

  /** English → {@code target} pairs of the descriptions both languages have. */
  public static List<Pair> translationPairs(
      Map<String, Description> english, Map<String, Description> target) {
    List<Pair> out = new ArrayList<>();
    for (Map.Entry<String, Description> e : new TreeMap<>(english).entrySet()) {
      Description t = target.get(e.getKey());
      if (t == null) {
        continue;
      }
      Description s = e.getValue();
      add(out, s.synopsis(), t.synopsis());
      if (s.paragraphs().size() == t.paragraphs().size()) {
        for (int i = 0; i < s.paragraphs().size(); i++) {
          add(out, s.paragraphs().get(i), t.paragraphs().get(i));
        }
      }
    }
    return out;
  }

  private static void add(List<Pair> out, String src, String tgt) {
    if (src != null
        && tgt != null
        && !src.isBlank()
        && !tgt.isBlank()
        && words(src) <= MAX_WORDS
        && words(tgt) <= MAX_WORDS) {
      out.add(new Pair(src, tgt));
    }
  }

  /** First paragraph → synopsis pairs of English descriptions. */
  public static List<Pair> summarisationPairs(Map<String, Description> english) {
    List<Pair> out = new ArrayList<>();
    for (Description d : new TreeMap<>(english).values()) {
      if (d.paragraphs().isEmpty() || d.paragraphs().get(0) == null || d.synopsis().isBlank()) {
        continue;
      }
      String first = d.paragraphs().get(0);
      int n = words(first);
      if (n >= MIN_SUMMARY_SOURCE_WORDS && n <= MAX_SUMMARY_SOURCE_WORDS) {
        out.add(new Pair(first, d.synopsis()));
      }
    }
    return out;
  }

  /**
   * Keeps the first pair of each source text, then splits by a hash of the source (SHA-256, first 8
   * bytes, modulo 1,000). Sources that differ only in their numbers count as one (Debian has
   * hundreds of kernel packages described by one template with other version numbers), and they
   * hash alike, so such near-copies never straddle two splits.
   */
  public static Splits split(List<Pair> pairs) {
    Set<String> seen = new LinkedHashSet<>();
    Splits s = new Splits(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (Pair p : pairs) {
      String key = DIGITS.matcher(p.source()).replaceAll("0");
      if (!seen.add(key)) {
        continue;
      }
      int b = bucket(key);
      (b < DEV_BUCKETS ? s.dev() : b < DEV_BUCKETS + TEST_BUCKETS ? s.test() : s.train()).add(p);
    }
    return s;
  }

  static int bucket(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return (int) Long.remainderUnsigned(v, 1000);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** Writes pairs as TSV lines (source TAB target); tabs inside the text become spaces. */
  public static void writeTsv(Path file, List<Pair> pairs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Pair p : pairs) {
      sb.append(p.source().replace('\t', ' '))
          .append('\t')
          .append(p.target().replace('\t', ' '))
          .append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }
}
