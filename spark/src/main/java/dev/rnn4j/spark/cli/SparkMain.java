package dev.rnn4j.spark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point for {@code spark-submit --class dev.rnn4j.spark.cli.SparkMain}: {@code train} and
 * {@code translate}. Without spark-submit, {@code --master local[2]} runs Spark inside this JVM.
 */
@Command(
    name = "rnn4j-spark",
    mixinStandardHelpOptions = true,
    description = "rnn4j on Apache Spark: data-parallel training and batch translation.",
    subcommands = {TrainJob.class, TranslateJob.class})
public final class SparkMain implements Callable<Integer> {
  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 2;
  }

  /** Runs the command line; returns the exit code (a library never calls System.exit). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new SparkMain());
    cl.setOverwrittenOptionsAllowed(true); // the last of a repeated option wins (scripts)
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("rnn4j-spark: " + e.getMessage());
          if (!(e instanceof IllegalArgumentException)) {
            e.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
