package dev.rnn4j.metrics;

import java.util.regex.Pattern;

/**
 * The "13a" tokenizer of sacreBLEU, the one mteval-v13a.pl (WMT's official BLEU script) applies
 * before counting n-grams, and the default of {@link SacreBleu}. Its rules, in order:
 *
 * <ol>
 *   <li>language-independent part: delete {@code <skipped>}; delete {@code -\n} (a word broken at a
 *       line end is joined); every other {@code \n} becomes a space; if the line holds an {@code
 *       &}, unescape {@code &quot; &amp; &lt; &gt;} (in that order);
 *   <li>pad the line with one space on each side;
 *   <li>surround with spaces every ASCII symbol in {@code { | } ~ [ \ ] ^ _ `}, the space to {@code
 *       &} range ({@code ! " # $ % &}), {@code ( ) * +}, {@code : ; < = > ? @} and {@code /}, that
 *       is all ASCII punctuation except {@code ' , - .};
 *   <li>split off a period or comma that follows a non-digit ({@code "a." -> "a . "});
 *   <li>split off a period or comma that precedes a non-digit ({@code ".a" -> " . a"}), so that
 *       {@code 3.14} and {@code 1,000} stay whole;
 *   <li>split off a dash that follows a digit ({@code "5-" -> "5 - "});
 *   <li>collapse whitespace (Python's {@code str.split()}) into single spaces, no leading or
 *       trailing space.
 * </ol>
 *
 * <p>Each regex rule is one left-to-right pass of non-overlapping matches over the output of the
 * previous rule, as Python's {@code re.sub} and Java's {@code replaceAll} both do. So {@code 3.14}
 * and {@code 1,000} stay one token, {@code "end."} and {@code "5."} split off the period, and
 * {@code "well-known"} keeps its dash (only a dash after a digit is split off).
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class Tokenizer13a {
  /** Rule 3: ASCII punctuation and symbols except {@code ' , - .}. */
  private static final Pattern SYMBOLS = Pattern.compile("([{-~\\[-` -&(-+:-@/])");

  /** Rule 4: a period or comma after a non-digit. */
  private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");

  /** Rule 5: a period or comma before a non-digit. */
  private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");

  /** Rule 6: a dash after a digit. */
  private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

  private Tokenizer13a() {}

  /** The 13a tokenization of one segment, tokens joined by single spaces. */
  public static String tokenize(String line) {
    line = line.replace("<skipped>", "");
    line = line.replace("-\n", "");
    line = line.replace("\n", " ");
    if (line.indexOf('&') >= 0) {
      line = line.replace("&quot;", "\"");
      line = line.replace("&amp;", "&");
      line = line.replace("&lt;", "<");
      line = line.replace("&gt;", ">");
    }
    line = " " + line + " ";
    line = SYMBOLS.matcher(line).replaceAll(" $1 ");
    line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
    line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
    line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
    return String.join(" ", PyText.split(line));
  }
}
