package dev.rnn4j.backend.cpu;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;

/** The oneDNN CPU engine every rnn4j primitive runs on, and one execution stream per thread. */
final class DnnlRuntime {
  static final engine ENGINE;
  private static final ThreadLocal<stream> STREAM;

  static {
    DnnlGemm.load();
    ENGINE = new engine(engine.kind.cpu, 0);
    STREAM = ThreadLocal.withInitial(() -> new stream(ENGINE));
  }

  private DnnlRuntime() {}

  /** The calling thread's stream (oneDNN streams are not to be shared between threads). */
  static stream stream() {
    return STREAM.get();
  }
}
