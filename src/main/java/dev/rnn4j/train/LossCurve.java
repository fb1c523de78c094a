package dev.rnn4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes training and validation loss curves as a standalone SVG image. */
public final class LossCurve {
  private LossCurve() {}

  /**
   * @param train (step, loss) points of the training loss
   * @param dev (step, loss) points of the validation loss (may be empty)
   */
  public static void writeSvg(Path file, List<double[]> train, List<double[]> dev)
      throws IOException {
    int w = 640;
    int h = 400;
    int m = 50;
    double maxX = 1;
    double maxY = 1e-9;
    double minY = Double.MAX_VALUE;
    for (List<double[]> series : List.of(train, dev)) {
      for (double[] p : series) {
        maxX = Math.max(maxX, p[0]);
        if (Double.isFinite(p[1])) {
          maxY = Math.max(maxY, p[1]);
          minY = Math.min(minY, p[1]);
        }
      }
    }
    if (minY > maxY) {
      minY = 0;
    }
    minY = Math.min(0, minY);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'"
                + " font-size='12'>%n<rect width='100%%' height='100%%' fill='white'/>%n",
            w,
            h));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n",
            m,
            h - m,
            w - m / 2,
            h - m));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n",
            m,
            m / 2,
            m,
            h - m));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%d' text-anchor='middle'>step (max %.0f)</text>%n",
            w / 2,
            h - 15,
            maxX));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='12' y='%d' transform='rotate(-90 12 %d)' text-anchor='middle'>loss (max %.3f)"
                + "</text>%n",
            h / 2,
            h / 2,
            maxY));
    appendSeries(s, train, "steelblue", maxX, minY, maxY, w, h, m);
    appendSeries(s, dev, "darkorange", maxX, minY, maxY, w, h, m);
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='20' fill='steelblue'>train</text><text x='%d' y='20'"
                + " fill='darkorange'>dev</text>%n</svg>%n",
            w - 150,
            w - 90));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void appendSeries(
      StringBuilder s,
      List<double[]> pts,
      String color,
      double maxX,
      double minY,
      double maxY,
      int w,
      int h,
      int m) {
    if (pts.isEmpty()) {
      return;
    }
    s.append("<polyline fill='none' stroke-width='1.5' stroke='")
        .append(color)
        .append("' points='");
    for (double[] p : pts) {
      if (!Double.isFinite(p[1])) {
        continue;
      }
      double x = m + (w - 1.5 * m) * p[0] / maxX;
      double y = (h - m) - (h - 1.5 * m) * (p[1] - minY) / (maxY - minY);
      s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    s.append("'/>\n");
  }
}
