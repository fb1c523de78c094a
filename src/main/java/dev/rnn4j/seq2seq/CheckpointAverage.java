package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
      List<Parameter> params = first.model().parameters();
      // Sums in double: n float checkpoints add without rounding drift.
      List<double[]> sums = new ArrayList<>();
      for (Parameter p : params) {
        float[] v = be.download(p.value());
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          s[i] = v[i];
        }
        sums.add(s);
      }
      for (Path dir : models.subList(1, models.size())) {
        try (ModelDirectory.Loaded m = ModelDirectory.load(dir, be)) {
          checkMatches(models.get(0), first, dir, m);
          List<Parameter> other = m.model().parameters();
          for (int k = 0; k < params.size(); k++) {
            float[] v = be.download(other.get(k).value());
            double[] s = sums.get(k);
            for (int i = 0; i < v.length; i++) {
              s[i] += v[i];
            }
          }
        }
      }
      for (int k = 0; k < params.size(); k++) {
        double[] s = sums.get(k);
        float[] mean = new float[s.length];
        for (int i = 0; i < s.length; i++) {
          mean[i] = (float) (s[i] / models.size());
        }
        Parameter p = params.get(k);
        try (Tensor t = be.upload(mean, p.value().shape().dims())) {
          be.copy(t, p.value());
        }
      }
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
