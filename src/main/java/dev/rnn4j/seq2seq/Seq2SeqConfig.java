package dev.rnn4j.seq2seq;

import dev.rnn4j.nn.CellType;
import java.io.Serializable;

/**
 * The whole shape of an encoder–decoder model, validated on construction and saved with it.
 * Serializable (rnn4j-spark ships it to executors); deserialization runs the same validation.
 *
 * @param srcVocab source vocabulary size (ids 0..3 are PAD, BOS, EOS, UNK)
 * @param tgtVocab target vocabulary size
 * @param embedSize embedding size of both sides
 * @param cell recurrent cell of encoder and decoder
 * @param encoderHidden encoder hidden size per direction
 * @param encoderLayers encoder layers
 * @param bidirectional whether the encoder is bidirectional
 * @param decoderHidden decoder hidden size (also the attentional hidden size)
 * @param decoderLayers decoder layers
 * @param attention attention type
 * @param dropout dropout between recurrent layers and before the output projection (training)
 * @param tieEmbeddings share the decoder embedding with the output projection (needs embedSize ==
 *     decoderHidden)
 * @param inputFeeding Luong input feeding: the decoder reads [embedding; h̃_{t-1}] at each step
 *     (needs attention; training then runs the decoder step by step)
 * @param embeddingDropout dropout on the source and target embeddings, the encoder's and the
 *     decoder's inputs (training)
 * @param shareEmbeddings one embedding table for the source and the target side (a joint
 *     vocabulary: needs srcVocab == tgtVocab)
 * @param copyAttention a pointer-generator output layer: p(w) mixes the generator's softmax with
 *     the attention over source tokens (see {@code CopyGenerator}; needs attention and one joint
 *     vocabulary, srcVocab == tgtVocab: a source id is copied as the same target id)
 * @param coverageLoss weight λ of See et al.'s (2017) coverage loss λ Σ_t Σ_i min(a_ti, Σ_{t'&lt;t}
 *     a_t'i) added to the training loss (0: none; needs attention)
 * @param coverageAttention the attention scores also read the coverage vector Σ_{t'&lt;t} a_t' (See
 *     et al. 2017), so the model sees what it has attended to (needs attention; training then runs
 *     the decoder step by step)
 */
public record Seq2SeqConfig(
    int srcVocab,
    int tgtVocab,
    int embedSize,
    CellType cell,
    int encoderHidden,
    int encoderLayers,
    boolean bidirectional,
    int decoderHidden,
    int decoderLayers,
    AttentionType attention,
    float dropout,
    boolean tieEmbeddings,
    boolean inputFeeding,
    float embeddingDropout,
    boolean shareEmbeddings,
    boolean copyAttention,
    float coverageLoss,
    boolean coverageAttention)
    implements Serializable {
  public Seq2SeqConfig {
    positive("srcVocab", srcVocab);
    positive("tgtVocab", tgtVocab);
    positive("embedSize", embedSize);
    positive("encoderHidden", encoderHidden);
    positive("encoderLayers", encoderLayers);
    positive("decoderHidden", decoderHidden);
    positive("decoderLayers", decoderLayers);
    if (srcVocab < 5 || tgtVocab < 5) {
      throw new IllegalArgumentException(
          "vocabularies need the 4 special tokens and at least one more entry, got src="
              + srcVocab
              + " tgt="
              + tgtVocab);
    }
    if (cell == null) {
      throw new IllegalArgumentException("cell is null; use RNN_TANH, RNN_RELU, LSTM or GRU");
    }
    if (attention == null) {
      throw new IllegalArgumentException(
          "attention is null; use NONE, DOT, GENERAL, CONCAT or BAHDANAU");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(embeddingDropout >= 0 && embeddingDropout < 1)) {
      throw new IllegalArgumentException(
          "embedding dropout must be in [0, 1), got " + embeddingDropout);
    }
    int memory = encoderHidden * (bidirectional ? 2 : 1);
    if (attention == AttentionType.DOT && memory != decoderHidden) {
      throw new IllegalArgumentException(
          "dot attention needs decoderHidden == encoder output size; got decoderHidden="
              + decoderHidden
              + ", encoder output "
              + memory
              + " (use GENERAL attention)");
    }
    if (inputFeeding && attention == AttentionType.BAHDANAU) {
      throw new IllegalArgumentException(
          "input feeding does not combine with BAHDANAU attention, which feeds the context c_t to"
              + " the decoder itself; drop input feeding or use DOT, GENERAL or CONCAT");
    }
    if (inputFeeding && attention == AttentionType.NONE) {
      throw new IllegalArgumentException("input feeding needs attention (DOT, GENERAL or CONCAT)");
    }
    if (shareEmbeddings && srcVocab != tgtVocab) {
      throw new IllegalArgumentException(
          "shared source/target embeddings need one joint vocabulary (srcVocab == tgtVocab), got "
              + srcVocab
              + " and "
              + tgtVocab
              + "; train with joint subwords or drop the sharing");
    }
    if (copyAttention && attention == AttentionType.NONE) {
      throw new IllegalArgumentException(
          "copy attention copies through the attention weights; choose an attention type");
    }
    if (copyAttention && srcVocab != tgtVocab) {
      throw new IllegalArgumentException(
          "copy attention copies a source id as the same target id, so it needs one joint"
              + " vocabulary (srcVocab == tgtVocab), got "
              + srcVocab
              + " and "
              + tgtVocab
              + "; build the vocabulary from both sides (rnn4j train --joint-vocab)");
    }
    if (!(coverageLoss >= 0 && coverageLoss < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("coverage loss weight must be >= 0, got " + coverageLoss);
    }
    if (coverageAttention && attention == AttentionType.NONE) {
      throw new IllegalArgumentException(
          "coverage attention adds the coverage vector to the attention scores; choose an"
              + " attention type");
    }
    if (coverageLoss > 0 && attention == AttentionType.NONE) {
      throw new IllegalArgumentException(
          "the coverage loss is computed on the attention weights; choose an attention type");
    }
    if (tieEmbeddings && embedSize != decoderHidden) {
      throw new IllegalArgumentException(
          "tied embeddings need embedSize == decoderHidden, got "
              + embedSize
              + " and "
              + decoderHidden);
    }
  }

  /** A configuration without shared embeddings or copy attention. */
  public Seq2SeqConfig(
      int srcVocab,
      int tgtVocab,
      int embedSize,
      CellType cell,
      int encoderHidden,
      int encoderLayers,
      boolean bidirectional,
      int decoderHidden,
      int decoderLayers,
      AttentionType attention,
      float dropout,
      boolean tieEmbeddings,
      boolean inputFeeding,
      float embeddingDropout) {
    this(
        srcVocab,
        tgtVocab,
        embedSize,
        cell,
        encoderHidden,
        encoderLayers,
        bidirectional,
        decoderHidden,
        decoderLayers,
        attention,
        dropout,
        tieEmbeddings,
        inputFeeding,
        embeddingDropout,
        false,
        false,
        0f,
        false);
  }

  /** A configuration without embedding dropout. */
  public Seq2SeqConfig(
      int srcVocab,
      int tgtVocab,
      int embedSize,
      CellType cell,
      int encoderHidden,
      int encoderLayers,
      boolean bidirectional,
      int decoderHidden,
      int decoderLayers,
      AttentionType attention,
      float dropout,
      boolean tieEmbeddings,
      boolean inputFeeding) {
    this(
        srcVocab,
        tgtVocab,
        embedSize,
        cell,
        encoderHidden,
        encoderLayers,
        bidirectional,
        decoderHidden,
        decoderLayers,
        attention,
        dropout,
        tieEmbeddings,
        inputFeeding,
        0f);
  }

  /** A configuration without input feeding or embedding dropout. */
  public Seq2SeqConfig(
      int srcVocab,
      int tgtVocab,
      int embedSize,
      CellType cell,
      int encoderHidden,
      int encoderLayers,
      boolean bidirectional,
      int decoderHidden,
      int decoderLayers,
      AttentionType attention,
      float dropout,
      boolean tieEmbeddings) {
    this(
        srcVocab,
        tgtVocab,
        embedSize,
        cell,
        encoderHidden,
        encoderLayers,
        bidirectional,
        decoderHidden,
        decoderLayers,
        attention,
        dropout,
        tieEmbeddings,
        false);
  }

  /**
   * A builder with the defaults of {@code rnn4j train}: 128-wide embeddings, a 2-layer
   * bidirectional LSTM encoder of 256 per direction, a 2-layer LSTM decoder of 512, GENERAL
   * attention, dropout 0.2, nothing else.
   *
   * <pre>{@code
   * Seq2SeqConfig cfg = Seq2SeqConfig.builder(srcVocab, tgtVocab).embed(64).hidden(128).build();
   * }</pre>
   */
  public static Seq2SeqConfigBuilder builder(int srcVocab, int tgtVocab) {
    return new Seq2SeqConfigBuilder(srcVocab, tgtVocab);
  }

  /** A builder starting from this configuration. */
  public Seq2SeqConfigBuilder toBuilder() {
    return new Seq2SeqConfigBuilder(this);
  }

  /** Features the decoder RNN reads per step: embedSize (+ decoderHidden with input feeding). */
  public int decoderInputSize() {
    if (attention == AttentionType.BAHDANAU) {
      return embedSize + memorySize();
    }
    return embedSize + (inputFeeding ? decoderHidden : 0);
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, got " + v);
    }
  }

  /** Features per encoder output step. */
  public int memorySize() {
    return encoderHidden * (bidirectional ? 2 : 1);
  }
}
