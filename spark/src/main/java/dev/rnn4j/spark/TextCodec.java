package dev.rnn4j.spark;

import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import java.io.Serializable;
import java.util.ArrayList;

/**
 * Tokenizers and vocabularies of both sides in serializable form, to turn text into ids on
 * executors. Char and whitespace tokenizers only (a BPE tokenizer would have to ship its merges).
 */
final class TextCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String sourceTokenizer;
  private final String targetTokenizer;
  private final ArrayList<String> sourceTokens; // without the four special tokens
  private final ArrayList<String> targetTokens;
  private transient Vocabulary src;
  private transient Vocabulary tgt;

  TextCodec(Tokenizer srcTok, Tokenizer tgtTok, Vocabulary src, Vocabulary tgt) {
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

  int[] target(String text) {
    if (tgt == null) {
      tgt = Vocabulary.of(targetTokens);
    }
    return tgt.encode(tokenizer(targetTokenizer).tokenize(text));
  }
}
