package dev.rnn4j.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One PyTorch parity fixture from {@code src/test/resources/parity/}, written by {@code
 * scripts/make_parity_fixtures.py} (its docstring describes the format): the configuration, the
 * parameters, the inputs and PyTorch's float64 outputs and gradients.
 */
final class ParityFixture {
  static final String DIR = "parity";

  /** A row-major tensor as read from a fixture line. */
  record Ref(int[] dims, double[] values) {
    float[] floats() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return f;
    }
  }

  final String file;
  final Map<String, String> header = new HashMap<>();
  final Map<String, Ref> params = new LinkedHashMap<>(); // named_parameters() order
  final Map<String, Ref> tensors = new HashMap<>();
  final Map<String, Ref> grads = new HashMap<>();

  private ParityFixture(String file) {
    this.file = file;
  }

  /** The fixture file names on the test classpath, sorted. */
  static List<String> list() {
    URL url = ParityFixture.class.getClassLoader().getResource(DIR);
    if (url == null) {
      throw new IllegalStateException(
          "no '"
              + DIR
              + "' resource directory on the test classpath;"
              + " run /usr/bin/python3 scripts/make_parity_fixtures.py");
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ParityFixture load(String file) {
    ParityFixture f = new ParityFixture(file);
    InputStream in = ParityFixture.class.getClassLoader().getResourceAsStream(DIR + "/" + file);
    if (in == null) {
      throw new IllegalStateException("fixture " + file + " not found on the classpath");
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          f.parseLine(line);
        } catch (RuntimeException e) {
          throw new IllegalStateException(file + ":" + no + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  private void parseLine(String line) {
    int bar = line.indexOf('|');
    if (bar < 0) {
      String[] kv = line.split(" ", 2);
      header.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
      return;
    }
    String[] head = line.substring(0, bar).strip().split(" ");
    if (head.length < 2) {
      throw new IllegalArgumentException("expected 'kind name dims... | values'");
    }
    int[] dims = new int[head.length - 2];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Integer.parseInt(head[i + 2]);
    }
    String body = line.substring(bar + 1).strip();
    double[] values =
        body.isEmpty()
            ? new double[0]
            : Arrays.stream(body.split(" ")).mapToDouble(Double::parseDouble).toArray();
    long numel = Arrays.stream(dims).asLongStream().reduce(1, (a, b) -> a * b);
    if (values.length != numel) {
      throw new IllegalArgumentException(
          head[1] + ": " + values.length + " values for dims " + Arrays.toString(dims));
    }
    Ref ref = new Ref(dims, values);
    Map<String, Ref> target =
        switch (head[0]) {
          case "param" -> params;
          case "tensor" -> tensors;
          case "grad" -> grads;
          default -> throw new IllegalArgumentException("unknown line kind '" + head[0] + "'");
        };
    if (target.put(head[1], ref) != null) {
      throw new IllegalArgumentException("duplicate " + head[0] + " " + head[1]);
    }
  }

  String get(String key) {
    String v = header.get(key);
    if (v == null) {
      throw new IllegalStateException(file + ": missing header line '" + key + "'");
    }
    return v;
  }

  int getInt(String key) {
    return Integer.parseInt(get(key));
  }

  /** A tensor line that must exist. */
  Ref tensor(String name) {
    Ref t = tensors.get(name);
    if (t == null) {
      throw new IllegalStateException(file + ": missing 'tensor " + name + "'");
    }
    return t;
  }

  RecurrentConfig config() {
    return new RecurrentConfig(
        CellType.valueOf(get("cell")),
        getInt("input_size"),
        getInt("hidden_size"),
        getInt("num_layers"),
        getInt("bidirectional") != 0,
        0f);
  }

  /** Per-sequence lengths, or null for full-length sequences. */
  int[] lengths() {
    String v = get("lengths");
    return v.equals("none")
        ? null
        : Arrays.stream(v.split(" ")).mapToInt(Integer::parseInt).toArray();
  }

  boolean givenStates() {
    return get("states").equals("given");
  }
}
