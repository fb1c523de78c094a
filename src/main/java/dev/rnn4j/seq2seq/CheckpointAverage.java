package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoint averaging: a model whose every parameter is the element-wise mean of the same
 * parameter in several saved models of one run (e.g. its last few epochs), as OpenNMT's {@code
 * average_models.py} and Marian do. The result often decodes a little better than any single
 * checkpoint. The models must share configuration, vocabularies and tokenizers.
 *
 * <p>Thread-safety: stateless; each call loads its own copies of the models.
 */
public final class CheckpointAverage {
  private CheckpointAverage() {}

  /**
   * Averages {@code models} (model directories) and writes the result to {@code out} as a model
   * directory without training state (it decodes and evaluates, and can seed a new run).
   *
   * @throws IllegalArgumentException fewer than one model, or models that do not match
   */
  public static void average(List<Path> models, Path out, Backend be) throws IOException {
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException(
          "no models to average; pass one or more model directories");
    }
    try (ModelDirectory.Loaded first = ModelDirectory.load(models.get(0), be)) {
      Map<String, HostTensor> state = first.model().stateDict();
      // Sums in double: n float checkpoints add without rounding drift.
      Map<String, double[]> sums = new LinkedHashMap<>();
      for (Map.Entry<String, HostTensor> e : state.entrySet()) {
        float[] v = e.getValue().floats();
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          s[i] = v[i];
        }
        sums.put(e.getKey(), s);
      }
      for (Path dir : models.subList(1, models.size())) {
        try (ModelDirectory.Loaded m = ModelDirectory.load(dir, be)) {
          checkMatches(models.get(0), first, dir, m);
          Map<String, HostTensor> other = m.model().stateDict();
          for (Map.Entry<String, double[]> e : sums.entrySet()) {
            float[] v = other.get(e.getKey()).floats();
            double[] s = e.getValue();
            for (int i = 0; i < v.length; i++) {
              s[i] += v[i];
            }
          }
        }
      }
      for (Map.Entry<String, double[]> e : sums.entrySet()) {
        double[] s = e.getValue();
        float[] mean = new float[s.length];
        for (int i = 0; i < s.length; i++) {
          mean[i] = (float) (s[i] / models.size());
        }
        state.put(e.getKey(), HostTensor.ofFloats(mean, state.get(e.getKey()).shape().dims()));
      }
      first.model().loadStateDict(state, true);
      ModelDirectory.save(
          out,
          first.model(),
          first.sourceVocab(),
          first.targetVocab(),
          first.sourceTokenizer(),
          first.targetTokenizer(),
          null);
    }
  }

  private static void checkMatches(
      Path firstDir, ModelDirectory.Loaded first, Path dir, ModelDirectory.Loaded m) {
    String what = null;
    if (!first.model().config().equals(m.model().config())) {
      what = "configurations differ: " + first.model().config() + " vs " + m.model().config();
    } else if (!first.sourceVocab().equals(m.sourceVocab())) {
      what = "source vocabularies differ";
    } else if (!first.targetVocab().equals(m.targetVocab())) {
      what = "target vocabularies differ";
    } else if (!ModelDirectory.tokenizerName(first.sourceTokenizer())
            .equals(ModelDirectory.tokenizerName(m.sourceTokenizer()))
        || !ModelDirectory.tokenizerName(first.targetTokenizer())
            .equals(ModelDirectory.tokenizerName(m.targetTokenizer()))) {
      what = "tokenizers differ";
    }
    if (what != null) {
      throw new IllegalArgumentException(
          dir
              + " cannot be averaged with "
              + firstDir
              + ": "
              + what
              + "; average checkpoints of one training run");
    }
  }
}
