package dev.rnn4j.spark;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;

/**
 * A test hook that makes chosen training tasks fail, as a lost executor would: the task throws when
 * its step and partition match and its attempt number is below {@code failedAttempts}. Spark then
 * retries it (with a master like {@code local[2,3]}, or on a cluster).
 *
 * @param step 0-based step (update or averaging round) counted from the start of the run
 * @param partition partition whose task fails
 * @param failedAttempts attempts that fail (1: the first attempt fails, the retry succeeds)
 */
record FailureInjector(long step, int partition, int failedAttempts) implements Serializable {
  /** Failures thrown in this JVM (in local mode: all of them). */
  static final AtomicLong THROWN = new AtomicLong();

  void maybeFail(long currentStep, int currentPartition) {
    TaskContext tc = TaskContext.get();
    if (currentStep == step
        && currentPartition == partition
        && tc != null
        && tc.attemptNumber() < failedAttempts) {
      THROWN.incrementAndGet();
      throw new IllegalStateException(
          "injected failure: step "
              + step
              + ", partition "
              + partition
              + ", attempt "
              + tc.attemptNumber());
    }
  }
}
