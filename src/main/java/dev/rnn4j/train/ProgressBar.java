package dev.rnn4j.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place: {@code epoch 2 [=====> ] 48% loss 1.234 2,310 tok/s ETA
 * 0:41}. On a non-terminal stream it prints a line every 10 % instead.
 */
final class ProgressBar {
  private final PrintStream out;
  private final boolean tty;
  private final long startNanos = System.nanoTime();
  private int lastDecile = -1;

  ProgressBar(PrintStream out) {
    this.out = out;
    this.tty = System.console() != null;
  }

  void update(int epoch, int done, int total, double loss, double tokensPerSecond) {
    double frac = total > 0 ? Math.min(1.0, done / (double) total) : 0;
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long eta = frac > 0 ? Math.round(elapsed / frac - elapsed) : 0;
    int width = 30;
    int filled = (int) Math.round(frac * width);
    StringBuilder bar = new StringBuilder();
    for (int i = 0; i < width; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    String line =
        String.format(
            Locale.ROOT,
            "epoch %d [%s] %3.0f%% loss %.4f %,.0f tok/s ETA %d:%02d",
            epoch,
            bar,
            100 * frac,
            loss,
            tokensPerSecond,
            eta / 60,
            eta % 60);
    if (tty) {
      out.print("\r" + line);
      out.flush();
    } else {
      int decile = (int) (frac * 10);
      if (decile != lastDecile) {
        lastDecile = decile;
        out.println(line);
      }
    }
  }

  void finish() {
    if (tty) {
      out.println();
    }
  }
}
