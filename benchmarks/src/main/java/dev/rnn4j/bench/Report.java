package dev.rnn4j.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the Markdown comparison table from a JMH JSON result file ({@code -rf json}) and the JSON
 * lines of {@code scripts/bench_pytorch.py}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.rnn4j.bench.Report jmh.json [pytorch.jsonl]}.
 *
 * <p>Every time is the median over iterations; for JMH each iteration is itself the mean of the ops
 * that fit in the iteration time. Speed-up = (faster baseline's ms) / (rnn4j's ms), so above 1
 * means rnn4j is faster. "% of G1" relates each rnn4j workload's GFLOP/s to rnn4j's own G1 sgemm in
 * the same run: how close the layer gets to the machine's practical GEMM limit.
 */
public final class Report {
  /** min, median, max in ms. */
  record Timing(double min, double median, double max) {
    String cell() {
      return String.format(Locale.ROOT, "%s (%s–%s)", ms(median), ms(min), ms(max));
    }
  }

  private Report() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println(
          "usage: java -cp benchmarks.jar dev.rnn4j.bench.Report jmh.json [pytorch.jsonl]");
      System.exit(2);
    }
    Map<Workload, Timing> rnn4j = new EnumMap<>(Workload.class);
    Map<Workload, Timing> djl = new EnumMap<>(Workload.class);
    readJmh(Path.of(args[0]), rnn4j, djl);
    Map<Workload, Timing> torch = new EnumMap<>(Workload.class);
    if (args.length == 2 && Files.exists(Path.of(args[1]))) {
      readPytorch(Path.of(args[1]), torch);
    }
    System.out.print(table(rnn4j, djl, torch));
  }

  static String table(
      Map<Workload, Timing> rnn4j, Map<Workload, Timing> djl, Map<Workload, Timing> torch) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| workload | what | rnn4j ms (min–max) | rnn4j GFLOP/s | libtorch 2.7.1 (DJL) ms"
            + " | PyTorch 1.13 ms | speed-up vs faster baseline | rnn4j % of G1 sgemm peak |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    Timing g1 = rnn4j.get(Workload.G1);
    for (Workload w : Workload.values()) {
      Timing r = rnn4j.get(w);
      Timing d = djl.get(w);
      Timing p = torch.get(w);
      if (r == null && d == null && p == null) {
        continue;
      }
      String speedUp = "—";
      String baselineName = null;
      Timing baseline = null;
      if (d != null && (p == null || d.median <= p.median)) {
        baseline = d;
        baselineName = "DJL";
      } else if (p != null) {
        baseline = p;
        baselineName = "PyTorch";
      }
      if (r != null && baseline != null) {
        speedUp =
            String.format(
                Locale.ROOT,
                "%.2f× (vs %s); best-vs-best %.2f×",
                baseline.median / r.median,
                baselineName,
                bestOf(d, p) / r.min);
      }
      String ofPeak = "—";
      if (r != null && g1 != null && w != Workload.G1) {
        ofPeak =
            String.format(
                Locale.ROOT, "%.0f %%", 100 * w.gflops(r.median) / Workload.G1.gflops(g1.min));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
              w,
              w.describe(),
              r == null ? "—" : r.cell(),
              r == null ? "—" : String.format(Locale.ROOT, "%.1f", w.gflops(r.median)),
              d == null ? "—" : d.cell() + gflopsNote(w, d),
              p == null ? "—" : p.cell() + gflopsNote(w, p),
              speedUp,
              ofPeak));
    }
    return sb.toString();
  }

  /** The lower of the baselines' fastest iterations. */
  private static double bestOf(Timing d, Timing p) {
    return Math.min(d == null ? Double.MAX_VALUE : d.min, p == null ? Double.MAX_VALUE : p.min);
  }

  private static String gflopsNote(Workload w, Timing t) {
    return String.format(Locale.ROOT, " · %.1f GF/s", w.gflops(t.median));
  }

  private static String ms(double v) {
    return v >= 100
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  /** Fills rnn4j's and DJL's timings from JMH's JSON (benchmarks Rnn4jBench.run, DjlBench.run). */
  static void readJmh(Path file, Map<Workload, Timing> rnn4j, Map<Workload, Timing> djl)
      throws IOException {
    JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
    for (JsonElement e : runs) {
      JsonObject run = e.getAsJsonObject();
      String bench = run.get("benchmark").getAsString();
      JsonObject params = run.getAsJsonObject("params");
      if (params == null || !params.has("workload")) {
        continue;
      }
      Workload w = Workload.valueOf(params.get("workload").getAsString());
      JsonObject metric = run.getAsJsonObject("primaryMetric");
      if (!"ms/op".equals(metric.get("scoreUnit").getAsString())) {
        throw new IllegalArgumentException(
            bench + " " + w + ": expected ms/op, got " + metric.get("scoreUnit"));
      }
      List<Double> iters = new ArrayList<>();
      for (JsonElement fork : metric.getAsJsonArray("rawData")) {
        for (JsonElement v : fork.getAsJsonArray()) {
          iters.add(v.getAsDouble());
        }
      }
      Timing t = summarize(iters);
      if (bench.endsWith("Rnn4jBench.run")) {
        if (rnn4j.put(w, t) != null) {
          throw new IllegalArgumentException(
              file
                  + " holds two rnn4j runs of "
                  + w
                  + " (several -p gemm or -p activations values?); the table takes one per"
                  + " workload: run each mode into its own file");
        }
        if (params.has("gemm") && !"sgemm".equals(params.get("gemm").getAsString())) {
          System.out.println(
              "rnn4j " + w + " ran with rnn4j.cpu.gemm=" + params.get("gemm").getAsString());
        }
      } else if (bench.endsWith("DjlBench.run")) {
        djl.put(w, t);
      }
    }
  }

  /** Fills PyTorch's timings from bench_pytorch.py's JSON lines (other lines are skipped). */
  static void readPytorch(Path file, Map<Workload, Timing> torch) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line = line.strip();
      if (!line.startsWith("{")) {
        continue;
      }
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      Workload w = Workload.valueOf(o.get("workload").getAsString());
      checkShape(w, o);
      torch.put(
          w,
          new Timing(
              o.get("min_ms").getAsDouble(),
              o.get("median_ms").getAsDouble(),
              o.get("max_ms").getAsDouble()));
    }
  }

  /** Fails when the Python script's shapes drifted from {@link Workload}'s. */
  private static void checkShape(Workload w, JsonObject o) {
    int[] got = {
      o.get("input").getAsInt(),
      o.get("hidden").getAsInt(),
      o.get("batch").getAsInt(),
      o.get("steps").getAsInt()
    };
    int[] want = {w.inputSize, w.hiddenSize, w.batch, w.steps};
    if (!Arrays.equals(got, want)
        || o.get("training").getAsBoolean() != w.training
        || !o.get("kind").getAsString().equals(w.kind.name())) {
      throw new IllegalArgumentException(
          "bench_pytorch.py's "
              + w
              + " has shape "
              + Arrays.toString(got)
              + " training="
              + o.get("training")
              + ", expected "
              + Arrays.toString(want)
              + " training="
              + w.training
              + " ("
              + w.describe()
              + "); fix WORKLOADS in scripts/bench_pytorch.py");
    }
  }

  static Timing summarize(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no iterations recorded");
    }
    List<Double> s = new ArrayList<>(values);
    s.sort(null);
    int n = s.size();
    double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    return new Timing(s.get(0), median, s.get(n - 1));
  }
}
