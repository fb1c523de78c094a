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
    float embeddingDropout)
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
    if (tieEmbeddings && embedSize != decoderHidden) {
      throw new IllegalArgumentException(
          "tied embeddings need embedSize == decoderHidden, got "
              + embedSize
              + " and "
              + decoderHidden);
    }
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
