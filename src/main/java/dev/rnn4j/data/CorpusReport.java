package dev.rnn4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ParallelCorpusReader} did with each line of a file: how many it accepted, and for
 * each reason a line was rejected, how many and the first few line numbers.
 *
 * <p>Thread-safety: immutable; safe to share.
 */
public final class CorpusReport {
  /** Why a line was rejected. */
  public enum Reason {
    /** The line is empty or only whitespace, without a tab. */
    EMPTY_LINE("empty line"),
    /** No tab separates source and target. */
    NO_TAB("no tab"),
    /** More than one tab: the line has more than two fields. */
    EXTRA_TAB("more than one tab"),
    /** Nothing but whitespace before the tab. */
    EMPTY_SOURCE("empty source"),
    /** Nothing but whitespace after the tab. */
    EMPTY_TARGET("empty target"),
    /** The bytes are not valid UTF-8. */
    INVALID_UTF8("invalid UTF-8"),
    /** A side is longer than the reader's maximum length. */
    TOO_LONG("side over the maximum length"),
    /** The line exceeds the reader's byte limit; it was skipped without being decoded. */
    LINE_TOO_LONG("line over the byte limit");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** A few words for reports. */
    public String description() {
      return description;
    }
  }

  private final String file;
  private final long lines;
  private final long accepted;
  private final Map<Reason, Long> counts;
  private final Map<Reason, List<Long>> firstLines;
  private final int listed;

  private CorpusReport(Builder b) {
    this.file = b.file;
    this.lines = b.lines;
    this.accepted = b.accepted;
    this.listed = b.listed;
    Map<Reason, Long> c = new EnumMap<>(Reason.class);
    Map<Reason, List<Long>> f = new EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) {
      c.put(r, b.counts[r.ordinal()]);
      f.put(r, List.copyOf(b.firstLines.get(r.ordinal())));
    }
    this.counts = Collections.unmodifiableMap(c);
    this.firstLines = Collections.unmodifiableMap(f);
  }

  /** The file name the report is about. */
  public String file() {
    return file;
  }

  /** Lines read, accepted or not. */
  public long lines() {
    return lines;
  }

  /** Lines passed on as sentence pairs. */
  public long accepted() {
    return accepted;
  }

  /** Lines rejected, for any reason. */
  public long rejected() {
    return lines - accepted;
  }

  /** Lines rejected for {@code reason}. */
  public long count(Reason reason) {
    return counts.get(reason);
  }

  /** Counts for every reason (zeros included), in declaration order. */
  public Map<Reason, Long> counts() {
    return counts;
  }

  /** The first (up to {@link #listedLines()}) 1-based line numbers rejected for {@code reason}. */
  public List<Long> firstLines(Reason reason) {
    return firstLines.get(reason);
  }

  /** How many line numbers are kept per reason. */
  public int listedLines() {
    return listed;
  }

  /**
   * One line per non-zero reason after a headline, e.g. {@code "train.tsv: 1000 lines, 997
   * accepted, 3 rejected"} then {@code " no tab: 2 (lines 17, 40)"}.
   */
  public String summary() {
    StringBuilder sb =
        new StringBuilder()
            .append(file)
            .append(": ")
            .append(lines)
            .append(" lines, ")
            .append(accepted)
            .append(" accepted, ")
            .append(rejected())
            .append(" rejected");
    for (Reason r : Reason.values()) {
      long n = counts.get(r);
      if (n == 0) {
        continue;
      }
      List<Long> at = firstLines.get(r);
      sb.append("\n  ").append(r.description()).append(": ").append(n).append(" (line");
      sb.append(at.size() > 1 ? "s " : " ");
      for (int i = 0; i < at.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(at.get(i));
      }
      sb.append(n > at.size() ? ", ...)" : ")");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return summary();
  }

  /** Accumulates a report while a file is read; not thread-safe. */
  static final class Builder {
    private final String file;
    private final int listed;
    private final long[] counts = new long[Reason.values().length];
    private final List<List<Long>> firstLines = new ArrayList<>();
    private long lines;
    private long accepted;

    Builder(String file, int listed) {
      this.file = file;
      this.listed = listed;
      for (int i = 0; i < counts.length; i++) {
        firstLines.add(new ArrayList<>());
      }
    }

    void accept() {
      lines++;
      accepted++;
    }

    void reject(long line, Reason reason) {
      lines++;
      counts[reason.ordinal()]++;
      List<Long> at = firstLines.get(reason.ordinal());
      if (at.size() < listed) {
        at.add(line);
      }
    }

    CorpusReport build() {
      return new CorpusReport(this);
    }
  }
}
