package dev.rnn4j.crash;

import dev.rnn4j.cli.Main;
import dev.rnn4j.io.AtomicFiles;
import java.util.SplittableRandom;

/**
 * The process {@link TrainingCrashTest} kills: {@code rnn4j} with a hook that announces every step
 * of every checkpoint save on stdout ({@code STEP <step> <directory>}) and then pauses 0–40 ms, so
 * that a kill sent on that line lands inside the save. The first argument seeds the pauses; the
 * rest are rnn4j's.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    SplittableRandom pauses = new SplittableRandom(Long.parseLong(args[0]));
    AtomicFiles.setStepHook(
        (step, target) -> {
          System.out.println("STEP " + step + " " + target.getFileName());
          System.out.flush();
          try {
            Thread.sleep(pauses.nextInt(41));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    String[] rnn4j = new String[args.length - 1];
    System.arraycopy(args, 1, rnn4j, 0, rnn4j.length);
    System.exit(Main.run(rnn4j));
  }
}
