package dev.rnn4j.train;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.Json;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training state of a checkpoint, saved beside the model by {@link ModelDirectory#save} (pass
 * one as its last argument) and read back for a resume: {@code trainer.json} (the trainer's
 * counters and curves, the model's dropout counter, the run's seed) and {@code
 * optimizer.safetensors} (the step count and, for {@link Adam}, the moments as {@code exp_avg.NAME}
 * and {@code exp_avg_sq.NAME}). It lives in {@code train}, which owns optimizers and trainers;
 * {@code seq2seq} knows it only as a {@link ModelDirectory.Extra}.
 *
 * @param optimizer the optimizer whose state is saved
 * @param trainer the trainer's counters and curves
 * @param seed the seed of the run (model construction, data order, dropout)
 */
public record TrainingCheckpoint(Optimizer optimizer, Trainer.TrainerState trainer, long seed)
    implements ModelDirectory.Extra {
  /** Writes {@code trainer.json} and {@code optimizer.safetensors} into {@code d}. */
  @Override
  public void write(Path d, Seq2SeqModel model) throws IOException {
    Map<String, HostTensor> opt = new LinkedHashMap<>();
    Backend be = model.backend();
    long steps = optimizer.steps();
    if (optimizer instanceof Adam adam) {
      for (Parameter p : model.parameters()) {
        var mv = adam.moments(p);
        if (mv != null) {
          int[] dims = p.value().shape().dims();
          opt.put("exp_avg." + p.name(), HostTensor.ofFloats(be.download(mv[0]), dims));
          opt.put("exp_avg_sq." + p.name(), HostTensor.ofFloats(be.download(mv[1]), dims));
        }
      }
    }
    SafeTensors.write(
        d.resolve("optimizer.safetensors"), opt, Map.of("steps", Long.toString(steps)));
    Trainer.TrainerState s = trainer;
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("epoch", s.epoch);
    j.put("batch_in_epoch", s.batchInEpoch);
    j.put("updates", s.updates);
    j.put("best", Double.isFinite(s.best) ? s.best : null);
    j.put("bad_epochs", s.badEpochs);
    j.put("plateau_epochs", s.plateauEpochs);
    j.put("lr", (double) s.lr);
    j.put("skipped_steps", s.skippedSteps);
    j.put("seconds", s.seconds);
    j.put("dropout_calls", model.dropoutCalls());
    j.put("seed", seed);
    j.put("train_curve", curve(s.trainCurve));
    j.put("dev_curve", curve(s.devCurve));
    Files.writeString(d.resolve("trainer.json"), Json.writePretty(j), StandardCharsets.UTF_8);
  }

  private static List<Object> curve(List<double[]> pts) {
    List<Object> out = new ArrayList<>();
    for (double[] p : pts) {
      out.add(List.of(p[0], Double.isFinite(p[1]) ? p[1] : -1.0));
    }
    return out;
  }

  /** The seed of the run that saved this checkpoint (model construction, data order, dropout). */
  public static long seed(Path dir) throws IOException {
    Path tj = AtomicFiles.resolveForReading(dir).resolve("trainer.json");
    try {
      return Json.getLong(Json.parseObject(Files.readString(tj, StandardCharsets.UTF_8)), "seed");
    } catch (NoSuchFileException e) {
      throw new FileFormatException(
          tj.toString(), "missing: this checkpoint holds no training" + " state to resume from");
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(tj.toString(), e.getMessage(), e);
    }
  }

  /**
   * Restores optimizer and trainer state saved with a {@code TrainingCheckpoint}; returns the seed.
   */
  public static long load(Path given, Seq2SeqModel model, Optimizer opt, Trainer.TrainerState s)
      throws IOException {
    Path dir = AtomicFiles.resolveForReading(given);
    Path tj = dir.resolve("trainer.json");
    Map<String, Object> j;
    try {
      j = Json.parseObject(Files.readString(tj, StandardCharsets.UTF_8));
      s.epoch = Json.getInt(j, "epoch");
      s.batchInEpoch = Json.getInt(j, "batch_in_epoch");
      s.updates = Json.getLong(j, "updates");
      s.best = j.get("best") == null ? Double.POSITIVE_INFINITY : Json.getDouble(j, "best");
      s.badEpochs = Json.getInt(j, "bad_epochs");
      s.plateauEpochs = Json.getInt(j, "plateau_epochs");
      s.lr = (float) Json.getDouble(j, "lr");
      s.skippedSteps = Json.getLong(j, "skipped_steps");
      s.seconds = j.containsKey("seconds") ? Json.getDouble(j, "seconds") : 0;
      model.setDropoutCalls(Json.getLong(j, "dropout_calls"));
      readCurve(Json.getArray(j, "train_curve"), s.trainCurve);
      readCurve(Json.getArray(j, "dev_curve"), s.devCurve);
    } catch (NoSuchFileException e) {
      throw new FileFormatException(
          tj.toString(), "missing: this checkpoint holds no training" + " state to resume from");
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new FileFormatException(tj.toString(), e.getMessage(), e);
    }
    Path of = dir.resolve("optimizer.safetensors");
    SafeTensors.Contents c = SafeTensors.read(of);
    if (opt instanceof Adam adam) {
      adam.setSteps(Long.parseLong(c.metadata().getOrDefault("steps", "0")));
      for (Parameter p : model.parameters()) {
        HostTensor m = c.tensors().get("exp_avg." + p.name());
        HostTensor v = c.tensors().get("exp_avg_sq." + p.name());
        if (m != null && v != null) {
          adam.setMoments(p, m.floats(), v.floats());
        }
      }
    }
    return Json.getLong(j, "seed");
  }

  private static void readCurve(List<Object> arr, List<double[]> out) {
    out.clear();
    for (Object o : arr) {
      List<?> p = (List<?>) o;
      out.add(new double[] {((Number) p.get(0)).doubleValue(), ((Number) p.get(1)).doubleValue()});
    }
  }
}
