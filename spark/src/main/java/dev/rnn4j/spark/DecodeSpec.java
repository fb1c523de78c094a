package dev.rnn4j.spark;

import dev.rnn4j.seq2seq.DecodeOptions;
import java.io.Serializable;

/** {@link DecodeOptions} in serializable form (attention weights are never kept on executors). */
record DecodeSpec(
    int beamSize, float lengthPenalty, float maxLenRatio, int maxLenExtra, int maxBatch)
    implements Serializable {

  static DecodeSpec of(DecodeOptions o) {
    return new DecodeSpec(
        o.beamSize(), o.lengthPenalty(), o.maxLenRatio(), o.maxLenExtra(), o.maxBatch());
  }

  DecodeOptions options() {
    return new DecodeOptions(beamSize, lengthPenalty, maxLenRatio, maxLenExtra, 1, false, maxBatch);
  }
}
