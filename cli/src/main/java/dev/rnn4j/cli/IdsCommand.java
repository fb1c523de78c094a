package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.seq2seq.ModelDirectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "ids",
    mixinStandardHelpOptions = true,
    description =
        "Convert text to a model's token ids and back, with its tokenizers and vocabularies, e.g."
            + " to train another toolkit on exactly the same inputs. encode: source<TAB>target"
            + " lines → SRC_IDS<TAB>TGT_IDS (ids space-separated, without BOS/EOS). decode: one"
            + " line of target ids → the detokenised text.")
final class IdsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "encode|decode", description = "direction")
  String direction;

  @Option(names = "--model", required = true, description = "model directory (e.g. run/best)")
  Path model;

  @Option(names = "--input", required = true, description = "input file")
  Path input;

  @Option(names = "--output", required = true, description = "output file")
  Path output;

  @Option(
      names = "--max-length",
      defaultValue = "0",
      description =
          "encode: leave out pairs with a side longer than this many tokens, as train"
              + " --max-length does (default 0: keep all)")
  int maxLength;

  @Override
  public Integer call() throws IOException {
    if (!Files.isReadable(input)) {
      throw new IllegalArgumentException(input + ": no such readable file");
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("--max-length must be >= 0, got " + maxLength);
    }
    try (Backend be = Backends.create("cpu", null, 1);
        ModelDirectory.Loaded m = ModelDirectory.load(model, be)) {
      switch (direction) {
        case "encode" -> encode(m);
        case "decode" -> decode(m);
        default ->
            throw new IllegalArgumentException(
                "unknown direction '" + direction + "'; use encode or decode");
      }
    }
    return 0;
  }

  private void encode(ModelDirectory.Loaded m) throws IOException {
    List<String> lines = new ArrayList<>();
    var report =
        Corpus.reader(
                m.sourceTokenizer(),
                m.targetTokenizer(),
                maxLength == 0 ? Integer.MAX_VALUE : maxLength)
            .read(
                input,
                p ->
                    lines.add(
                        join(m.sourceVocab().encode(m.sourceTokenizer().tokenize(p.source())))
                            + "\t"
                            + join(
                                m.targetVocab().encode(m.targetTokenizer().tokenize(p.target())))));
    if (report.rejected() > 0) {
      System.err.println(report.summary());
    }
    write(lines);
    System.err.printf("%s: %d pairs encoded into %s%n", input, lines.size(), output);
  }

  private void decode(ModelDirectory.Loaded m) throws IOException {
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
      n++;
      String t = line.strip();
      int[] ids;
      try {
        ids =
            t.isEmpty()
                ? new int[0]
                : java.util.Arrays.stream(t.split("\\s+")).mapToInt(Integer::parseInt).toArray();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            input + ":" + n + ": expected token ids separated by spaces, got " + e.getMessage());
      }
      for (int id : ids) {
        if (id < 0 || id >= m.targetVocab().size()) {
          throw new IllegalArgumentException(
              input
                  + ":"
                  + n
                  + ": id "
                  + id
                  + " is outside the target vocabulary (0 to "
                  + (m.targetVocab().size() - 1)
                  + ")");
        }
      }
      out.add(m.targetTokenizer().detokenize(m.targetVocab().decode(ids)));
    }
    write(out);
  }

  private void write(List<String> lines) throws IOException {
    AtomicFiles.write(
        output,
        os -> {
          BufferedWriter w =
              new BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8));
          for (String l : lines) {
            w.write(l);
            w.write('\n');
          }
          w.flush();
        });
  }

  private static String join(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.length; i++) {
      sb.append(i == 0 ? "" : " ").append(ids[i]);
    }
    return sb.toString();
  }
}
