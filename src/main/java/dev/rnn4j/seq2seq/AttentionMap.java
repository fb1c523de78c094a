package dev.rnn4j.seq2seq;

import dev.rnn4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the classic attention heat-map (target rows × source columns) as an SVG image. */
public final class AttentionMap {
  private AttentionMap() {}

  /**
   * @param source source tokens (columns)
   * @param target output tokens (rows), including a final {@code "</s>"} row if weights has one
   *     more row
   * @param weights weights[row][col] in [0, 1]
   */
  public static void writeSvg(
      Path file, List<String> source, List<String> target, float[][] weights) throws IOException {
    int cell = 28;
    int left = 90;
    int top = 90;
    int w = left + cell * source.size() + 20;
    int h = top + cell * weights.length + 20;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d'"
                + " height='%d' font-family='monospace' font-size='13'>%n",
            w,
            h));
    s.append("<rect width='100%' height='100%' fill='white'/>\n");
    for (int c = 0; c < source.size(); c++) {
      int x = left + c * cell + cell / 2;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%d' transform='rotate(-60 %d %d)'>%s" + "</text>%n",
              x,
              top - 8,
              x,
              top - 8,
              esc(source.get(c))));
    }
    for (int r = 0; r < weights.length; r++) {
      String label = r < target.size() ? target.get(r) : "</s>";
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%d' text-anchor='end'>%s</text>%n",
              left - 8,
              top + r * cell + cell / 2 + 4,
              esc(label)));
      for (int c = 0; c < source.size() && c < weights[r].length; c++) {
        int g = 255 - Math.round(255 * Math.max(0f, Math.min(1f, weights[r][c])));
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x='%d' y='%d' width='%d' height='%d'"
                    + " fill='rgb(%d,%d,%d)' stroke='#ddd'><title>%.3f</title></rect>%n",
                left + c * cell,
                top + r * cell,
                cell,
                cell,
                g,
                g,
                g,
                weights[r][c]));
      }
    }
    s.append("</svg>\n");
    AtomicFiles.writeString(file, s.toString());
  }

  private static String esc(String t) {
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
  }
}
