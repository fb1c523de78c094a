package dev.rnn4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source sentence's extended vocabulary for copy attention (the pointer-generator of See et al.
 * 2017, §2.2; OpenNMT-py calls it the source's dynamic dictionary): a joint {@link Vocabulary} of
 * size V, plus one id per distinct source word the vocabulary lacks, numbered V, V + 1, … in order
 * of first appearance. A model with copy attention reads such ids: it embeds them as {@link
 * Vocabulary#UNK} but can copy them, so a name or number seen only in the source can appear in the
 * output. A target word the vocabulary lacks gets the id of the same source word, or UNK if the
 * source has no such word.
 *
 * <p>Immutable and thread-safe.
 */
public final class CopyVocabulary {
  private final Vocabulary vocab;
  private final List<String> sourceOnly;
  private final Map<String, Integer> extendedIds;
  private final int[] sourceIds;

  private CopyVocabulary(Vocabulary vocab, List<String> sourceTokens) {
    this.vocab = vocab;
    Map<String, Integer> ext = new LinkedHashMap<>();
    int v = vocab.size();
    this.sourceIds = new int[sourceTokens.size()];
    for (int i = 0; i < sourceIds.length; i++) {
      String tok = sourceTokens.get(i);
      int id = vocab.id(tok);
      if (id == Vocabulary.UNK && !Vocabulary.SPECIALS.get(Vocabulary.UNK).equals(tok)) {
        id = ext.computeIfAbsent(tok, k -> v + ext.size());
      }
      sourceIds[i] = id;
    }
    this.extendedIds = ext;
    this.sourceOnly = Collections.unmodifiableList(new ArrayList<>(ext.keySet()));
  }

  /** The extended vocabulary of the source sentence {@code sourceTokens} over {@code vocab}. */
  public static CopyVocabulary of(Vocabulary vocab, List<String> sourceTokens) {
    return new CopyVocabulary(vocab, sourceTokens);
  }

  /** The source's ids: the vocabulary's, and V + k for the k-th source-only word. */
  public int[] sourceIds() {
    return sourceIds.clone();
  }

  /** The source words the vocabulary lacks, in order of first appearance (id V + index). */
  public List<String> sourceOnlyWords() {
    return sourceOnly;
  }

  /** V plus the number of source-only words: the ids of this sentence are below it. */
  public int size() {
    return vocab.size() + sourceOnly.size();
  }

  /**
   * Target ids over the extended vocabulary: the vocabulary's id, else the id of the same
   * source-only word, else {@link Vocabulary#UNK}. No BOS or EOS is added.
   */
  public int[] encodeTarget(List<String> tokens) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      String tok = tokens.get(i);
      int id = vocab.id(tok);
      if (id == Vocabulary.UNK) {
        id = extendedIds.getOrDefault(tok, Vocabulary.UNK);
      }
      out[i] = id;
    }
    return out;
  }

  /**
   * The pair of this source and {@code targetTokens} as ids: {@link #sourceIds()}, {@link
   * #encodeTarget}.
   */
  public Example example(List<String> targetTokens) {
    return new Example(sourceIds.clone(), encodeTarget(targetTokens));
  }

  /**
   * Tokens of ids over the extended vocabulary as {@link Vocabulary#decode} reads them (up to the
   * first EOS, without PAD or BOS), with V + k as the k-th source-only word.
   *
   * @throws IllegalArgumentException for an id at or above {@link #size()}, or negative
   */
  public List<String> decode(int[] ids) {
    int v = vocab.size();
    List<String> out = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= size()) {
        throw new IllegalArgumentException(
            "id "
                + id
                + " at position "
                + i
                + " is outside this source's extended vocabulary [0, "
                + size()
                + ")");
      }
      if (id == Vocabulary.EOS) {
        break;
      }
      if (id >= v) {
        out.add(sourceOnly.get(id - v));
      } else if (id != Vocabulary.PAD && id != Vocabulary.BOS) {
        out.add(vocab.token(id));
      }
    }
    return out;
  }

  /**
   * The ids a model embeds: {@code ids} with every id at or above {@code vocabSize} (a source-only
   * word) replaced by {@link Vocabulary#UNK}; {@code ids} itself when it has none.
   */
  public static int[] embeddable(int[] ids, int vocabSize) {
    int[] out = ids;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= vocabSize) {
        if (out == ids) {
          out = ids.clone();
        }
        out[i] = Vocabulary.UNK;
      }
    }
    return out;
  }
}
