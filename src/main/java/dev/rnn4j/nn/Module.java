package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.HostTensor;
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

  /**
   * Every parameter copied to the host under its name, in {@link #parameters()} order: PyTorch's
   * {@code state_dict()} for a module without buffers, with the same names and layouts. A parameter
   * shared by two parts of a model (tied embeddings) is one parameter with one name, so it appears
   * once, as in {@code named_parameters()}. The map is a new one, the caller's to change; {@link
   * dev.rnn4j.io.SafeTensors#save} writes it as a file that {@code safetensors.torch.load_file}
   * reads.
   */
  default Map<String, HostTensor> stateDict() {
    return StateDicts.of(this);
  }

  /**
   * Copies the tensors of {@code state} into the parameters of the same names, as PyTorch's {@code
   * load_state_dict}. Every tensor must have its parameter's shape and dtype (F32 for float
   * parameters), strict or not. {@code strict}: the names must match exactly, and the exception
   * lists every missing and unexpected name; otherwise the parameters named in {@code state} are
   * loaded, the others keep their values, and the result names both kinds of leftover. Everything
   * is checked before anything is copied, so a refused state dict changes nothing.
   *
   * @throws IllegalArgumentException naming each tensor that does not fit (name, both shapes), and
   *     when strict the missing and unexpected names
   */
  default LoadResult loadStateDict(Map<String, HostTensor> state, boolean strict) {
    return StateDicts.load(this, state, strict);
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
