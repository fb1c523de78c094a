package dev.rnn4j.train;

import dev.rnn4j.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's metrics as JSON lines (one object per evaluation, appended; a resumed run appends to
 * the same file): epoch, whether it was cut short by the time limit, updates, skipped updates,
 * train and dev loss, the dev metric's name and value, whether it was the best so far, learning
 * rate, target tokens per second and seconds of training so far. Non-finite numbers are written as
 * null. Not thread-safe.
 */
public final class MetricsLog {
  private final Path file;

  public MetricsLog(Path file) {
    this.file = file;
  }

  /** Appends the line of one evaluation. */
  public void epoch(
      int epoch,
      boolean partial,
      Trainer.TrainerState state,
      double trainLoss,
      double devLoss,
      String metric,
      double value,
      boolean best,
      float lr,
      double targetTokensPerSecond)
      throws IOException {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("epoch", epoch);
    j.put("partial", partial);
    j.put("updates", state.updates);
    j.put("skipped_updates", state.skippedSteps);
    j.put("train_loss", finite(trainLoss));
    j.put("dev_loss", finite(devLoss));
    j.put("metric", metric);
    j.put("value", finite(value));
    j.put("best", best);
    j.put("lr", finite(lr));
    j.put("target_tokens_per_s", finite(targetTokensPerSecond));
    j.put("seconds", finite(state.seconds));
    Files.writeString(
        file,
        Json.write(j) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
