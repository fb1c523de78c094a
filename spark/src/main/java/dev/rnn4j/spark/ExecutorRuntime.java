package dev.rnn4j.spark;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM keeps between tasks: one backend per name, one loaded model per broadcast
 * model (translation; {@code Translator} is thread-safe, so concurrent tasks share it), and a pool
 * of training replicas per run (a model under training is not thread-safe, so each concurrently
 * running task borrows its own; there are at most as many as task slots). Everything is released by
 * {@link #releaseRun}, {@link #releaseModel}, or at JVM exit.
 *
 * <p>In local mode the driver and the "executors" are one JVM and share this state.
 */
final class ExecutorRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
  private static final Map<String, Backend> BACKENDS = new HashMap<>();
  private static final Map<String, ModelDirectory.Loaded> MODELS = new HashMap<>();
  private static final Map<String, ArrayDeque<Seq2SeqModel>> IDLE = new HashMap<>();
  private static final Map<String, List<Seq2SeqModel>> ALL = new HashMap<>();
  private static long modelLoads;
  private static long replicasCreated;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ExecutorRuntime::closeAll, "rnn4j-spark-release"));
  }

  private ExecutorRuntime() {}

  /** The JVM's backend of this name (cpu, cuda or auto), opened on first use. */
  static synchronized Backend backend(String name) {
    return BACKENDS.computeIfAbsent(name, Backends::create);
  }

  /**
   * The model with this id on this backend, loaded once per JVM: {@code files} is called (reading
   * the broadcast) only on the first request.
   */
  static synchronized ModelDirectory.Loaded model(
      String id, String backendName, Supplier<ModelFiles> files) {
    String key = id + "@" + backendName;
    ModelDirectory.Loaded m = MODELS.get(key);
    if (m == null) {
      Path dir = files.get().materialize();
      try {
        m = ModelDirectory.load(dir, backend(backendName));
      } catch (IOException e) {
        throw new UncheckedIOException("executor could not load model " + id + ": " + e, e);
      }
      MODELS.put(key, m);
      modelLoads++;
      LOG.info("rnn4j-spark: loaded model {} on {}", id.substring(0, 12), backendName);
    }
    return m;
  }

  /** Borrows an idle training replica of the step's run, or builds one. */
  static Seq2SeqModel borrowReplica(StepContext ctx) {
    String runId = ctx.runId();
    Backend be;
    synchronized (ExecutorRuntime.class) {
      Seq2SeqModel idle = IDLE.computeIfAbsent(runId, k -> new ArrayDeque<>()).pollFirst();
      if (idle != null) {
        return idle;
      }
      be = backend(ctx.backend());
    }
    // Built outside the lock. The values are overwritten by the broadcast parameters; the run's
    // seed gives the recurrent layers the driver model's dropout seeds.
    Seq2SeqModel m = new Seq2SeqModel(be, ctx.config(), ctx.seed());
    synchronized (ExecutorRuntime.class) {
      ALL.computeIfAbsent(runId, k -> new ArrayList<>()).add(m);
      replicasCreated++;
    }
    return m;
  }

  /** Returns a borrowed replica to its run's pool. */
  static synchronized void returnReplica(String runId, Seq2SeqModel m) {
    if (ALL.containsKey(runId)) {
      IDLE.computeIfAbsent(runId, k -> new ArrayDeque<>()).addLast(m);
    } else {
      m.close(); // the run was released while this task ran
    }
  }

  /** Closes the replicas of a finished run (those still borrowed close when returned). */
  static synchronized void releaseRun(String runId) {
    List<Seq2SeqModel> all = ALL.remove(runId);
    ArrayDeque<Seq2SeqModel> idle = IDLE.remove(runId);
    if (idle != null) {
      idle.forEach(Seq2SeqModel::close);
    }
    if (all != null && idle != null && all.size() > idle.size()) {
      LOG.warn(
          "rnn4j-spark: run {} released with {} replicas still in use; they are closed when their"
              + " tasks end",
          runId,
          all.size() - idle.size());
    }
  }

  /** Closes a loaded model on every backend. */
  static synchronized void releaseModel(String id) {
    MODELS
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(id + "@")) {
                e.getValue().close();
                return true;
              }
              return false;
            });
  }

  /** Models loaded by this JVM so far (to check that a model is loaded once, not per task). */
  static synchronized long modelLoads() {
    return modelLoads;
  }

  /** Training replicas built by this JVM so far. */
  static synchronized long replicasCreated() {
    return replicasCreated;
  }

  /** Training replicas currently held by all runs (idle or borrowed): 0 once runs are done. */
  static synchronized int liveReplicas() {
    int n = 0;
    for (List<Seq2SeqModel> l : ALL.values()) {
      n += l.size();
    }
    return n;
  }

  private static synchronized void closeAll() {
    for (String run : new ArrayList<>(ALL.keySet())) {
      releaseRun(run);
    }
    MODELS.values().forEach(ModelDirectory.Loaded::close);
    MODELS.clear();
    BACKENDS.values().forEach(Backend::close);
    BACKENDS.clear();
  }
}
