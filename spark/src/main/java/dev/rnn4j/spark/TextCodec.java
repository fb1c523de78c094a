package dev.rnn4j.spark;

import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import java.io.Serializable;
import java.util.ArrayList;

/**
 * Tokenizers and vocabularies of both sides in serializable form, to turn text into ids on
 * executors. Char and whitespace tokenizers only (a BPE tokenizer would have to ship its merges).
 * For a copy-attention model a pair is encoded over its source's extended vocabulary ({@link
 * CopyVocabulary}), as {@code rnn4j train} does.
 */
final class TextCodec implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String sourceTokenizer;
  private final String targetTokenizer;
  private final ArrayList<String> sourceTokens; // without the four special tokens
  private final ArrayList<String> targetTokens;
  private final boolean copy;
  private transient Vocabulary src;
  private transient Vocabulary tgt;

  TextCodec(Tokenizer srcTok, Tokenizer tgtTok, Vocabulary src, Vocabulary tgt, boolean copy) {
    if (copy && !src.equals(tgt)) {
      throw new IllegalArgumentException(
          "copy attention reads one joint vocabulary for both sides; build it with"
              + " Vocabulary.buildJoint");
    }
    this.copy = copy;
    this.sourceTokenizer = name(srcTok);
    this.targetTokenizer = name(tgtTok);
    this.sourceTokens = new ArrayList<>(src.tokens().subList(4, src.size()));
    this.targetTokens = new ArrayList<>(tgt.tokens().subList(4, tgt.size()));
  }

  static String name(Tokenizer t) {
    if (t instanceof CharTokenizer) {
      return "char";
    }
    if (t instanceof WhitespaceTokenizer) {
      return "whitespace";
    }
    throw new IllegalArgumentException(
        "rnn4j-spark training supports the char and whitespace tokenizers, not "
            + t.getClass().getSimpleName()
            + "; tokenize the corpus beforehand and use whitespace");
  }

  static Tokenizer tokenizer(String name) {
    return switch (name) {
      case "char" -> new CharTokenizer();
      case "whitespace" -> new WhitespaceTokenizer();
      default ->
          throw new IllegalArgumentException(
              "unknown tokenizer '" + name + "'; use char or whitespace");
    };
  }

  int[] source(String text) {
    if (src == null) {
      src = Vocabulary.of(sourceTokens);
    }
    return src.encode(tokenizer(sourceTokenizer).tokenize(text));
  }

  /** The ids of a pair {source, target}: over the source's extended vocabulary when copying. */
  int[][] pair(String source, String target) {
    if (!copy) {
      return new int[][] {source(source), target(target)};
    }
    if (src == null) {
      src = Vocabulary.of(sourceTokens);
    }
    Example e =
        CopyVocabulary.of(src, tokenizer(sourceTokenizer).tokenize(source))
            .example(tokenizer(targetTokenizer).tokenize(target));
    return new int[][] {e.source(), e.target()};
  }

  int[] target(String text) {
    if (tgt == null) {
      tgt = Vocabulary.of(targetTokens);
    }
    return tgt.encode(tokenizer(targetTokenizer).tokenize(text));
  }
}
