package dev.rnn4j.data;

import dev.rnn4j.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A BPE model trained by SentencePiece, read from its {@code .model} file (a protocol-buffers
 * {@code ModelProto}), encoding as SentencePiece's BPE does: each word, "▁" first, starts as its
 * characters, and the adjacent pair whose concatenation is a piece with the highest score is merged
 * (the leftmost of equal scores) until no pair makes a piece; then adjacent characters that are no
 * piece (unknown) become one piece, as SentencePiece joins them into one {@code <unk>}.
 *
 * <p><b>What is read:</b> the pieces with their scores and types (normal and user-defined pieces
 * take part in merges; control, unknown, unused and byte pieces do not), the trainer's model type
 * (only BPE is accepted), and the normalizer's {@code add_dummy_prefix}, {@code
 * remove_extra_whitespaces} and {@code escape_whitespaces}. <b>Not applied:</b> the normalizer's
 * character map (e.g. the default {@code nmt_nfkc}), so text that NFKC would change can be split
 * differently from SentencePiece; byte fallback (a character that is no piece comes out as itself,
 * where SentencePiece gives {@code <unk>} or bytes); user-defined pieces are not matched before the
 * merges.
 *
 * <p><b>Round trip:</b> whitespace is handled as in {@link SubwordTokenizer} (any Unicode
 * whitespace or "▁" is a space; with {@code remove_extra_whitespaces} runs become one space and the
 * ends are trimmed), and {@code detokenize(tokenize(s))} gives that text back.
 *
 * <p>Thread-safety: immutable apart from a concurrent cache of word encodings; safe to share.
 */
public final class SentencePieceBpeTokenizer implements Tokenizer {
  /** SentencePiece's piece types, by their numbers in {@code sentencepiece_model.proto}. */
  static final int NORMAL = 1;

  static final int USER_DEFINED = 4;
  private static final int MODEL_TYPE_BPE = 2;
  private static final String[] MODEL_TYPES = {"?", "UNIGRAM", "BPE", "WORD", "CHAR"};
  private static final int CACHE_LIMIT = 1 << 17;

  private final List<String> pieces;
  private final Map<String, Float> mergeable = new HashMap<>();
  private final boolean addDummyPrefix;
  private final boolean removeExtraWhitespaces;
  private final String space;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /**
   * A tokenizer over {@code pieces} (in id order) with their {@code scores} and {@code types}.
   *
   * @throws IllegalArgumentException if the lists differ in length
   */
  SentencePieceBpeTokenizer(
      List<String> pieces,
      List<Float> scores,
      List<Integer> types,
      boolean addDummyPrefix,
      boolean removeExtraWhitespaces,
      boolean escapeWhitespaces) {
    if (pieces.size() != scores.size() || pieces.size() != types.size()) {
      throw new IllegalArgumentException(
          pieces.size() + " pieces, " + scores.size() + " scores, " + types.size() + " types");
    }
    this.pieces = Collections.unmodifiableList(new ArrayList<>(pieces));
    for (int i = 0; i < pieces.size(); i++) {
      int type = types.get(i);
      if (type == NORMAL || type == USER_DEFINED) {
        mergeable.putIfAbsent(pieces.get(i), scores.get(i));
      }
    }
    this.addDummyPrefix = addDummyPrefix;
    this.removeExtraWhitespaces = removeExtraWhitespaces;
    this.space = escapeWhitespaces ? SubwordTokenizer.SPACE : " ";
  }

  /**
   * Reads a SentencePiece {@code .model} file of a BPE model.
   *
   * @throws FileFormatException if it is not a protobuf ModelProto, or its model type is not BPE;
   *     the message names the file
   */
  public static SentencePieceBpeTokenizer load(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** {@link #load} of a file's bytes; {@code name} labels errors. */
  static SentencePieceBpeTokenizer read(byte[] bytes, String name) throws FileFormatException {
    List<String> pieces = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    int modelType = 1;
    boolean addDummyPrefix = true;
    boolean removeExtra = true;
    boolean escape = true;
    ProtoReader model = new ProtoReader(bytes, 0, bytes.length, name);
    while (model.hasMore()) {
      int key = model.key();
      int field = key >>> 3;
      int wire = key & 7;
      if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader p = model.message();
        String piece = null;
        float score = 0;
        int type = NORMAL;
        while (p.hasMore()) {
          int k = p.key();
          if (k == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
            piece = p.string();
          } else if (k == (2 << 3 | ProtoReader.FIXED32)) {
            score = p.fixed32Float();
          } else if (k == (3 << 3 | ProtoReader.VARINT)) {
            type = (int) p.varint();
          } else {
            p.skip(k & 7);
          }
        }
        if (piece == null || piece.isEmpty()) {
          throw new FileFormatException(
              name, "piece " + pieces.size() + " has no text; damaged SentencePiece model");
        }
        pieces.add(piece);
        scores.add(score);
        types.add(type);
      } else if (field == 2 && wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader t = model.message();
        while (t.hasMore()) {
          int k = t.key();
          if (k == (3 << 3 | ProtoReader.VARINT)) {
            modelType = (int) t.varint();
          } else {
            t.skip(k & 7);
          }
        }
      } else if (field == 3 && wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader n = model.message();
        while (n.hasMore()) {
          int k = n.key();
          if (k == (3 << 3 | ProtoReader.VARINT)) {
            addDummyPrefix = n.varint() != 0;
          } else if (k == (4 << 3 | ProtoReader.VARINT)) {
            removeExtra = n.varint() != 0;
          } else if (k == (5 << 3 | ProtoReader.VARINT)) {
            escape = n.varint() != 0;
          } else {
            n.skip(k & 7);
          }
        }
      } else {
        model.skip(wire);
      }
    }
    if (pieces.isEmpty()) {
      throw new FileFormatException(name, "no pieces; not a SentencePiece model");
    }
    if (modelType != MODEL_TYPE_BPE) {
      String type =
          modelType > 0 && modelType < MODEL_TYPES.length
              ? MODEL_TYPES[modelType]
              : String.valueOf(modelType);
      throw new FileFormatException(
          name,
          "SentencePiece model type is "
              + type
              + "; only BPE models are supported (train with --model_type=bpe)");
    }
    return new SentencePieceBpeTokenizer(
        pieces, scores, types, addDummyPrefix, removeExtra, escape);
  }

  /** All pieces in id order, control and unknown pieces included (unmodifiable). */
  public List<String> pieces() {
    return pieces;
  }

  @Override
  public List<String> tokenize(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 1);
    String normal = removeExtraWhitespaces ? SubwordText.normalize(text) : spaces(text);
    if (addDummyPrefix && !normal.isEmpty()) {
      sb.append(' ');
    }
    sb.append(normal);
    String s = sb.toString().replace(" ", space);
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = space.length(); i <= s.length(); i++) {
      if (i == s.length() || s.startsWith(space, i)) {
        if (i > start) {
          out.addAll(encodeWord(s.substring(start, i)));
        }
        start = i;
      }
    }
    return out;
  }

  /** Every whitespace character of {@code text} as a plain space. */
  private static String spaces(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> sb.appendCodePoint(SubwordText.isWhitespace(cp) ? ' ' : cp));
    return sb.toString();
  }

  private List<String> encodeWord(String word) {
    List<String> cached = cache.get(word);
    if (cached != null) {
      return cached;
    }
    List<String> s = new ArrayList<>();
    word.codePoints().forEach(cp -> s.add(Character.toString(cp)));
    while (s.size() > 1) {
      int best = -1;
      float bestScore = Float.NEGATIVE_INFINITY;
      for (int i = 0; i + 1 < s.size(); i++) {
        Float score = mergeable.get(s.get(i) + s.get(i + 1));
        if (score != null && (best < 0 || score > bestScore)) {
          best = i;
          bestScore = score;
        }
      }
      if (best < 0) {
        break;
      }
      s.set(best, s.get(best) + s.remove(best + 1));
    }
    for (int i = s.size() - 1; i > 0; i--) {
      if (!mergeable.containsKey(s.get(i)) && !mergeable.containsKey(s.get(i - 1))) {
        s.set(i - 1, s.get(i - 1) + s.remove(i));
      }
    }
    List<String> result = List.copyOf(s);
    if (cache.size() < CACHE_LIMIT) {
      cache.put(word, result);
    }
    return result;
  }

  /** Concatenates the pieces with "▁" made a space, less the dummy prefix's space. */
  @Override
  public String detokenize(List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (String t : tokens) {
      sb.append(t);
    }
    String s = sb.toString().replace(space, " ");
    return addDummyPrefix && s.startsWith(" ") ? s.substring(1) : s;
  }
}
