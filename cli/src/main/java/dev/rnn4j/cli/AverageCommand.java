package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.CheckpointAverage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "average",
    mixinStandardHelpOptions = true,
    description =
        "Average the parameters of several checkpoints of one run (e.g. train --keep-epochs 5,"
            + " then average RUN/epoch-*) into one model directory.")
final class AverageCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL", description = "model directories")
  List<Path> models;

  @Option(names = "--out", required = true, description = "model directory to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    try (Backend be = Backends.create("cpu")) {
      CheckpointAverage.average(models, out, be);
    }
    System.out.println("averaged " + models.size() + " models into " + out);
    return 0;
  }
}
