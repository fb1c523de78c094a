package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something with named parameters on one backend. Closing it releases them.
 *
 * <p><b>Threads.</b> A module is not thread-safe unless its class says so: its default {@link
 * #close()} frees the parameters at once, so it must not overlap with any other call on the module
 * (a call still reading a parameter would then read freed memory or fail on a closed tensor). A
 * module that serves many threads guards its calls and waits for them in {@code close}, as {@code
 * Seq2SeqModel} does.
 */
public interface Module extends AutoCloseable {
  /** The parameters in a fixed order (PyTorch's {@code named_parameters()} order). */
  List<Parameter> parameters();

  /** The backend holding the parameters. */
  Backend backend();

  /** Parameters by name, in {@link #parameters()} order. */
  default Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (Parameter p : parameters()) {
      m.put(p.name(), p);
    }
    return m;
  }

  /** Sets every gradient to zero. */
  default void zeroGrad() {
    for (Parameter p : parameters()) {
      p.zeroGrad();
    }
  }

  /** Closes every parameter (each once; closing twice is harmless). */
  @Override
  default void close() {
    for (Parameter p : parameters()) {
      p.close();
    }
  }
}
