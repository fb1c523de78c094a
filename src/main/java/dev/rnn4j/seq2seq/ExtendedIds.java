package dev.rnn4j.seq2seq;

/**
 * Checks of the ids a copy-attention model reads: besides the joint vocabulary's ids [0, V), a
 * source may hold ids V, V + 1, … for its words outside the vocabulary ({@link
 * dev.rnn4j.data.CopyVocabulary}), at most one per source position, and a target may hold such an
 * id only where its own source does (it can only be copied). Stateless.
 */
final class ExtendedIds {
  private ExtendedIds() {}

  /**
   * Checks sources (B, S) (PAD beyond each length) for a copy model over a vocabulary of {@code v}
   * ids and returns the width of the output distribution: V plus the largest number of extended ids
   * a row uses (the highest id + 1 − V, or 0).
   */
  static int checkSources(int[] src, int b, int s, int v) {
    int width = v;
    for (int row = 0; row < b; row++) {
      for (int i = 0; i < s; i++) {
        int id = src[row * s + i];
        if (id < 0 || id >= v + s) {
          throw new IllegalArgumentException(
              "source id "
                  + id
                  + " at row "
                  + row
                  + ", position "
                  + i
                  + " is outside [0, "
                  + (v + s)
                  + "): a copy model reads the vocabulary's "
                  + v
                  + " ids and at most one extended id per source position (see CopyVocabulary)");
        }
        width = Math.max(width, id + 1);
      }
    }
    return width;
  }

  /**
   * Checks a training batch for a copy model: its sources as {@link #checkSources}, and every
   * target id at or above V (input and output) is one that its row's source holds.
   */
  static void checkBatch(Seq2SeqBatch batch, int v) {
    checkSources(batch.src(), batch.size(), batch.srcLen(), v);
    checkTargets("target input", batch.tgtIn(), batch, v);
    checkTargets("target output", batch.tgtOut(), batch, v);
  }

  private static void checkTargets(String what, int[] ids, Seq2SeqBatch batch, int v) {
    int s = batch.srcLen();
    int t = batch.tgtLen();
    for (int row = 0; row < batch.size(); row++) {
      for (int j = 0; j < t; j++) {
        int id = ids[row * t + j];
        if (id < 0) {
          throw new IllegalArgumentException(
              what + " id " + id + " at row " + row + ", step " + j + " is negative");
        }
        if (id >= v && !inSource(batch.src(), row * s, batch.srcLengths()[row], id)) {
          throw new IllegalArgumentException(
              what
                  + " id "
                  + id
                  + " at row "
                  + row
                  + ", step "
                  + j
                  + " is outside the vocabulary [0, "
                  + v
                  + ") and not in the row's source: an extended id names a source word (see"
                  + " CopyVocabulary.encodeTarget)");
        }
      }
    }
  }

  private static boolean inSource(int[] src, int off, int len, int id) {
    for (int i = off; i < off + len; i++) {
      if (src[i] == id) {
        return true;
      }
    }
    return false;
  }
}
