package dev.rnn4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code <unk>} replacement from attention (Luong et al. 2015, "Addressing the rare word problem";
 * OpenNMT's {@code -replace_unk}): each {@code <unk>} of an output becomes the source token that
 * the step producing it attended to most, so that names, numbers and other rare words pass through
 * untranslated instead of being lost. Stateless and thread-safe.
 */
public final class UnkReplacement {
  private UnkReplacement() {}

  /**
   * The output tokens with each {@code <unk>} replaced.
   *
   * @param output target tokens (as {@link Vocabulary#decode} gives them)
   * @param attention one row per output step, over the source positions (step i produced token i);
   *     a row may be longer than the source (padding), never shorter than needed
   * @param source the source tokens the model read
   * @throws IllegalArgumentException if there is an {@code <unk>} but no attention row for it
   */
  public static List<String> replace(
      List<String> output, float[][] attention, List<String> source) {
    String unk = Vocabulary.SPECIALS.get(Vocabulary.UNK);
    List<String> out = new ArrayList<>(output);
    for (int i = 0; i < out.size(); i++) {
      if (!out.get(i).equals(unk)) {
        continue;
      }
      if (attention == null || i >= attention.length) {
        throw new IllegalArgumentException(
            "<unk> at output position "
                + i
                + " has no attention row ("
                + (attention == null ? "none kept" : attention.length + " rows")
                + "); decode with attention kept to replace it");
      }
      float[] row = attention[i];
      int best = -1;
      for (int j = 0; j < Math.min(row.length, source.size()); j++) {
        if (best < 0 || row[j] > row[best]) {
          best = j;
        }
      }
      if (best >= 0) {
        out.set(i, source.get(best));
      }
    }
    return out;
  }
}
