package dev.rnn4j.spark;

import dev.rnn4j.train.Adam;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.Sgd;
import dev.rnn4j.train.TrainOptions;
import java.io.Serializable;

/**
 * The optimizer settings of {@link TrainOptions} in serializable form, for the local steps of
 * parameter averaging on executors.
 */
record LocalOptimizer(
    String name,
    float weightDecay,
    float momentum,
    double clipNorm,
    float labelSmoothing,
    String schedule)
    implements Serializable {

  static LocalOptimizer of(TrainOptions t) {
    return new LocalOptimizer(
        t.optimizer(),
        t.weightDecay(),
        t.momentum(),
        t.clipNorm(),
        t.labelSmoothing(),
        t.schedule());
  }

  /** A fresh optimizer of this kind at learning rate lr. */
  Optimizer open(float lr) {
    return switch (name) {
      case "adam" -> new Adam(lr, 0.9f, 0.999f, 1e-8f, 0f);
      case "adamw" -> new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay);
      default -> new Sgd(lr, momentum);
    };
  }

  LrSchedule lrSchedule() {
    return LrSchedule.parse(schedule);
  }
}
