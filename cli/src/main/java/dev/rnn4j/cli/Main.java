package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code rnn4j} command: subcommands for training, translation, evaluation and demos. */
@Command(
    name = "rnn4j",
    mixinStandardHelpOptions = true,
    version = "rnn4j 0.1.0",
    description = "Recurrent sequence-to-sequence models on the JVM.",
    subcommands = {
      DemoCommand.class,
      TrainCommand.class,
      TranslateCommand.class,
      EvalCommand.class,
      AverageCommand.class,
      DataCommand.class,
      IdsCommand.class,
      ScoreCommand.class,
      Main.LstmDemoCommand.class
    })
public final class Main implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  /** Exit code of a training run stopped because it diverged (bad input and options give 2). */
  public static final int EXIT_DIVERGED = 3;

  /** Runs the command line and returns its exit code (never calls System.exit). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          if (ex instanceof dev.rnn4j.train.TrainingDivergedException) {
            line.getErr().println("rnn4j: error: " + ex.getMessage());
            return EXIT_DIVERGED;
          }
          if (ex instanceof IllegalArgumentException
              || ex instanceof java.io.IOException
              || ex instanceof java.io.UncheckedIOException
              || ex instanceof dev.rnn4j.backend.BackendUnavailableException) {
            String msg =
                ex instanceof java.nio.file.NoSuchFileException
                    ? "no such file or directory: " + ex.getMessage()
                    : ex.getMessage();
            line.getErr().println("rnn4j: error: " + msg);
            return 2;
          }
          throw ex;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    configureLogging();
    System.exit(run(args));
  }

  /**
   * The command line's log format: the library logs through SLF4J, and the command line binds
   * slf4j-simple (an optional dependency that library users do not inherit). It is configured here,
   * before the first logger exists, and not by a {@code simplelogger.properties} in the jar, which
   * would also configure every application that uses rnn4j with slf4j-simple. Lines go to stderr as
   * {@code INFO rnn4j: ...}; a {@code -Dorg.slf4j.simpleLogger...} option (e.g. in {@code
   * RNN4J_JAVA_OPTS}) overrides each setting.
   */
  static void configureLogging() {
    // Only where the user set nothing; literal keys (slf4j's settings, not rnn4j's).
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    if (System.getProperty("org.slf4j.simpleLogger.showThreadName") == null) {
      System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    }
    if (System.getProperty("org.slf4j.simpleLogger.showLogName") == null) {
      System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    }
    if (System.getProperty("org.slf4j.simpleLogger.showShortLogName") == null) {
      System.setProperty("org.slf4j.simpleLogger.showShortLogName", "false");
    }
  }

  @Command(
      name = "lstm-demo",
      mixinStandardHelpOptions = true,
      description = "Train a small LSTM on a generated delayed-copy task and print its loss.")
  static final class LstmDemoCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "300", description = "training batches (default 300)")
    int steps;

    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Override
    public Integer call() {
      if (steps < 1) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--steps must be >= 1, got " + steps);
      }
      try (Backend be = backendOptions.open()) {
        SequenceDemo.run(be, steps, 1, System.out);
      }
      return 0;
    }
  }
}
