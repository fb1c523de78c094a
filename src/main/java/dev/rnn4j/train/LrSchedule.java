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

  /** Parses "constant" or "warmup:N". */
  static LrSchedule parse(String spec) {
    if (spec == null || spec.equals("constant")) {
      return constant();
    }
    if (spec.startsWith("warmup:")) {
      try {
        return warmup(Long.parseLong(spec.substring(7)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad warm-up step count in '" + spec + "'", e);
      }
    }
    throw new IllegalArgumentException(
        "unknown learning-rate schedule '" + spec + "'; use constant or warmup:N");
  }
}
