package dev.rnn4j.seq2seq;

import dev.rnn4j.nn.CellType;

/**
 * Builds a {@link Seq2SeqConfig} by name instead of 16 positional arguments; {@link #build()}
 * validates (the record's constructor does). Not thread-safe; start one with {@link
 * Seq2SeqConfig#builder(int, int)}.
 */
public final class Seq2SeqConfigBuilder {
  private int srcVocab;
  private int tgtVocab;
  private int embedSize = 128;
  private CellType cell = CellType.LSTM;
  private int encoderHidden = 256;
  private int encoderLayers = 2;
  private boolean bidirectional = true;
  private int decoderHidden = 512;
  private int decoderLayers = 2;
  private AttentionType attention = AttentionType.GENERAL;
  private float dropout = 0.2f;
  private boolean tieEmbeddings;
  private boolean inputFeeding;
  private float embeddingDropout;
  private boolean shareEmbeddings;
  private boolean copyAttention;
  private float coverageLoss;
  private boolean coverageAttention;

  Seq2SeqConfigBuilder(int srcVocab, int tgtVocab) {
    this.srcVocab = srcVocab;
    this.tgtVocab = tgtVocab;
  }

  Seq2SeqConfigBuilder(Seq2SeqConfig c) {
    srcVocab = c.srcVocab();
    tgtVocab = c.tgtVocab();
    embedSize = c.embedSize();
    cell = c.cell();
    encoderHidden = c.encoderHidden();
    encoderLayers = c.encoderLayers();
    bidirectional = c.bidirectional();
    decoderHidden = c.decoderHidden();
    decoderLayers = c.decoderLayers();
    attention = c.attention();
    dropout = c.dropout();
    tieEmbeddings = c.tieEmbeddings();
    inputFeeding = c.inputFeeding();
    embeddingDropout = c.embeddingDropout();
    shareEmbeddings = c.shareEmbeddings();
    copyAttention = c.copyAttention();
    coverageLoss = c.coverageLoss();
    coverageAttention = c.coverageAttention();
  }

  /** Source and target vocabulary sizes. */
  public Seq2SeqConfigBuilder vocabularies(int src, int tgt) {
    srcVocab = src;
    tgtVocab = tgt;
    return this;
  }

  /** Embedding size of both sides. */
  public Seq2SeqConfigBuilder embed(int size) {
    embedSize = size;
    return this;
  }

  /** The recurrent cell of encoder and decoder. */
  public Seq2SeqConfigBuilder cell(CellType c) {
    cell = c;
    return this;
  }

  /**
   * Encoder size per direction and decoder size at once: the decoder gets {@code size} times the
   * encoder's directions, so that the encoder output and the decoder match.
   */
  public Seq2SeqConfigBuilder hidden(int size) {
    encoderHidden = size;
    decoderHidden = size * (bidirectional ? 2 : 1);
    return this;
  }

  /** Encoder hidden size per direction. */
  public Seq2SeqConfigBuilder encoderHidden(int size) {
    encoderHidden = size;
    return this;
  }

  /** Decoder hidden size (also the attentional state's). */
  public Seq2SeqConfigBuilder decoderHidden(int size) {
    decoderHidden = size;
    return this;
  }

  /** Encoder and decoder layers at once. */
  public Seq2SeqConfigBuilder layers(int n) {
    encoderLayers = n;
    decoderLayers = n;
    return this;
  }

  /** Encoder layers. */
  public Seq2SeqConfigBuilder encoderLayers(int n) {
    encoderLayers = n;
    return this;
  }

  /** Decoder layers. */
  public Seq2SeqConfigBuilder decoderLayers(int n) {
    decoderLayers = n;
    return this;
  }

  /** Whether the encoder reads both ways (default true). */
  public Seq2SeqConfigBuilder bidirectional(boolean b) {
    bidirectional = b;
    return this;
  }

  /** The attention type (default GENERAL). */
  public Seq2SeqConfigBuilder attention(AttentionType a) {
    attention = a;
    return this;
  }

  /** Dropout between recurrent layers and before the output projection (default 0.2). */
  public Seq2SeqConfigBuilder dropout(float p) {
    dropout = p;
    return this;
  }

  /** Dropout on the source and target embeddings (default 0). */
  public Seq2SeqConfigBuilder embeddingDropout(float p) {
    embeddingDropout = p;
    return this;
  }

  /** Share the decoder embedding with the output projection (needs embed == decoderHidden). */
  public Seq2SeqConfigBuilder tieEmbeddings(boolean b) {
    tieEmbeddings = b;
    return this;
  }

  /** One embedding table for both sides (a joint vocabulary). */
  public Seq2SeqConfigBuilder shareEmbeddings(boolean b) {
    shareEmbeddings = b;
    return this;
  }

  /** Luong input feeding. */
  public Seq2SeqConfigBuilder inputFeeding(boolean b) {
    inputFeeding = b;
    return this;
  }

  /** A pointer-generator output layer that can copy source tokens. */
  public Seq2SeqConfigBuilder copyAttention(boolean b) {
    copyAttention = b;
    return this;
  }

  /** Weight of the coverage loss in training (0: none). */
  public Seq2SeqConfigBuilder coverageLoss(float lambda) {
    coverageLoss = lambda;
    return this;
  }

  /** Attention scores that read the coverage vector (See et al. 2017). */
  public Seq2SeqConfigBuilder coverageAttention(boolean b) {
    coverageAttention = b;
    return this;
  }

  /** The validated configuration; throws IllegalArgumentException naming what is wrong. */
  public Seq2SeqConfig build() {
    return new Seq2SeqConfig(
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
        shareEmbeddings,
        copyAttention,
        coverageLoss,
        coverageAttention);
  }
}
