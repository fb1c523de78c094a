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

  /** The name of the schedule that runs over a time budget instead of a number of updates. */
  String COSINE_TIME = "cosine-time";

  /**
   * The learning rate of "cosine-time[:N]" after {@code step} updates with a share {@code progress}
   * (0 to 1) of the time budget spent: linear warm-up over the first {@code warmup} updates (none
   * when 0) times half a cosine from base down to 0 at the end of the budget, base·min(1,
   * step/warmup)·½(1 + cos(π·progress)).
   */
  static float cosineOverTime(long warmup, long step, double progress, float base) {
    double ramp = warmup > 0 && step < warmup ? step / (double) warmup : 1.0;
    double p = Math.max(0, Math.min(1, progress));
    return (float) (base * ramp * 0.5 * (1 + Math.cos(Math.PI * p)));
  }

  /** The warm-up updates of a "cosine-time[:N]" spec, or -1 when {@code spec} is another one. */
  static long timeBasedWarmup(String spec) {
    if (spec == null || !(spec.equals(COSINE_TIME) || spec.startsWith(COSINE_TIME + ":"))) {
      return -1;
    }
    long w = spec.equals(COSINE_TIME) ? 0 : warmupSteps(spec);
    if (w < 0) {
      throw new IllegalArgumentException("warm-up steps must be >= 0 in '" + spec + "'");
    }
    return w;
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
    if (timeBasedWarmup(spec) >= 0) {
      // Defined over the time budget; the trainer computes it with cosineOverTime. Over updates
      // it is constant, which is what a caller without a budget gets (and is told by the trainer).
      return constant();
    }
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
            + "'; use constant, warmup:N, cosine, cosine:N (N warm-up steps), or cosine-time /"
            + " cosine-time:N (over the time limit)");
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
