package dev.rnn4j.spark;

import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import java.io.Serializable;

/** A {@link Seq2SeqConfig} in serializable form, to build model replicas on executors. */
record ModelShape(
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
    boolean inputFeeding)
    implements Serializable {

  static ModelShape of(Seq2SeqConfig c) {
    return new ModelShape(
        c.srcVocab(),
        c.tgtVocab(),
        c.embedSize(),
        c.cell(),
        c.encoderHidden(),
        c.encoderLayers(),
        c.bidirectional(),
        c.decoderHidden(),
        c.decoderLayers(),
        c.attention(),
        c.dropout(),
        c.tieEmbeddings(),
        c.inputFeeding());
  }

  Seq2SeqConfig config() {
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
        inputFeeding);
  }
}
