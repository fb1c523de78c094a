package dev.rnn4j.cli;

import dev.rnn4j.io.Json;
import dev.rnn4j.metrics.TextMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score outputs made elsewhere against references: BLEU and chrF as sacreBLEU computes them,"
            + " ROUGE-1/2/L F1 as rouge-score does (the metrics of eval).")
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--hyp", required = true, description = "outputs, one per line")
  Path hyp;

  @Option(
      names = "--ref",
      required = true,
      description = "references, one per line, or a TSV whose text after the TAB is the reference")
  Path ref;

  @Option(names = "--json", description = "print the results as one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    for (Path p : List.of(hyp, ref)) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException(p + ": no such readable file");
      }
    }
    List<String> hyps = Files.readAllLines(hyp, StandardCharsets.UTF_8);
    List<List<String>> refs = new ArrayList<>();
    for (String line : Files.readAllLines(ref, StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      refs.add(List.of(tab >= 0 ? line.substring(tab + 1) : line));
    }
    if (hyps.size() != refs.size()) {
      throw new IllegalArgumentException(
          hyp
              + " has "
              + hyps.size()
              + " lines but "
              + ref
              + " has "
              + refs.size()
              + "; they must pair line by line");
    }
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("segments", hyps.size());
    for (String name : List.of("bleu", "chrf", "rouge1", "rouge2", "rougeL")) {
      TextMetrics.Result r = TextMetrics.score(name, hyps, refs);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("score", r.score());
      m.put("signature", r.signature());
      j.put(name, m);
      if (!json) {
        System.out.printf(Locale.ROOT, "%-7s %6.2f  %s%n", name, r.score(), r.signature());
      }
    }
    if (json) {
      System.out.println(Json.write(j));
    }
    return 0;
  }
}
