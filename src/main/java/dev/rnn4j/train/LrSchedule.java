package dev.rnn4j.train;

/** Learning rate as a function of the (1-based) optimizer step. */
@FunctionalInterface
public interface LrSchedule {
  /** The learning rate for step {@code step} given the base rate. */
  float at(long step, float base);

  /** The base rate throughout. */
  static LrSchedule constant() {
    return (step, base) -> base;
  }

  /** Linear warm-up from base/warmup to base over {@code warmup} steps, then constant. */
  static LrSchedule warmup(long warmup) {
    if (warmup < 1) {
      throw new IllegalArgumentException("warm-up steps must be >= 1, got " + warmup);
    }
    return (step, base) -> step >= warmup ? base : base * step / (float) warmup;
  }

  /**
   * Linear warm-up over {@code warmup} steps (none when 0), then half a cosine from base down to 0
   * at step {@code total}: base·½(1 + cos(π·(step − warmup)/(total − warmup))). Steps past {@code
   * total} get 0.
   */
  static LrSchedule cosine(long warmup, long total) {
    if (warmup < 0 || total <= warmup) {
      throw new IllegalArgumentException(
          "cosine schedule: need 0 <= warm-up steps < total steps, got warm-up "
              + warmup
              + " and "
              + total
              + " total (fewer updates than warm-up steps: more epochs or fewer warm-up steps)");
    }
    LrSchedule ramp = warmup == 0 ? constant() : warmup(warmup);
    return (step, base) -> {
      if (step < warmup) {
        return ramp.at(step, base);
      }
      double progress = Math.min(1.0, (step - warmup) / (double) (total - warmup));
      return (float) (base * 0.5 * (1 + Math.cos(Math.PI * progress)));
    };
  }

  /** Parses "constant" or "warmup:N" (schedules that do not depend on the run's length). */
  static LrSchedule parse(String spec) {
    return parse(spec, 0);
  }

  /**
   * Parses "constant", "warmup:N", "cosine" or "cosine:N" (N warm-up steps) for a run of {@code
   * totalSteps} optimizer updates (0 = unknown, which only the first two accept).
   */
  static LrSchedule parse(String spec, long totalSteps) {
    if (spec != null && (spec.equals("cosine") || spec.startsWith("cosine:"))) {
      if (totalSteps <= 0) {
        throw new IllegalArgumentException(
            "the '"
                + spec
                + "' schedule needs the run's number of updates, which this trainer does not"
                + " know; use constant or warmup:N");
      }
      return cosine(spec.equals("cosine") ? 0 : warmupSteps(spec), totalSteps);
    }
    if (spec == null || spec.equals("constant")) {
      return constant();
    }
    if (spec.startsWith("warmup:")) {
      return warmup(warmupSteps(spec));
    }
    throw new IllegalArgumentException(
        "unknown learning-rate schedule '"
            + spec
            + "'; use constant, warmup:N, cosine or cosine:N (N warm-up steps)");
  }

  /** The N of "warmup:N" or "cosine:N". */
  private static long warmupSteps(String spec) {
    try {
      return Long.parseLong(spec.substring(spec.indexOf(':') + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad warm-up step count in '" + spec + "'", e);
    }
  }
}
