package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bodies of {@link Module#stateDict()} and {@link Module#loadStateDict}. */
final class StateDicts {
  private StateDicts() {}

  /** Every parameter downloaded, by name, in {@link Module#parameters()} order. */
  static Map<String, HostTensor> of(Module m) {
    Backend be = m.backend();
    Map<String, HostTensor> state = new LinkedHashMap<>();
    for (Parameter p : m.parameters()) {
      Tensor v = p.value();
      int[] dims = v.shape().dims();
      HostTensor h =
          switch (v.dtype()) {
            case FLOAT32 -> HostTensor.ofFloats(be.download(v), dims);
            case INT32 -> HostTensor.ofInts(be.downloadInts(v), dims);
          };
      if (state.put(p.name(), h) != null) {
        throw new IllegalStateException(
            m.getClass().getSimpleName()
                + " has two parameters named '"
                + p.name()
                + "'; a state dict needs distinct names");
      }
    }
    return state;
  }

  /**
   * Checks everything first, then uploads: a refused state dict leaves every parameter as it was.
   */
  static LoadResult load(Module m, Map<String, HostTensor> state, boolean strict) {
    if (state == null) {
      throw new IllegalArgumentException("state dict is null");
    }
    Map<String, Parameter> params = m.namedParameters();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    for (Parameter p : params.values()) {
      if (!state.containsKey(p.name())) {
        missing.add(p.name());
        continue;
      }
      String bad = mismatch(p, state.get(p.name()));
      if (bad != null) {
        mismatches.add(bad);
      }
    }
    for (String name : state.keySet()) {
      if (!params.containsKey(name)) {
        unexpected.add(name);
      }
    }
    List<String> errors = new ArrayList<>(mismatches);
    if (strict && !missing.isEmpty()) {
      errors.add("missing tensor(s) " + missing);
    }
    if (strict && !unexpected.isEmpty()) {
      errors.add("unexpected tensor(s) " + unexpected);
    }
    if (!errors.isEmpty()) {
      // As PyTorch: a wrong shape or dtype is an error even when not strict.
      String hint =
          mismatches.isEmpty()
              ? " (strict=false loads the tensors that match and returns the names it skipped)"
              : "";
      throw new IllegalArgumentException(
          "cannot load the state dict into "
              + m.getClass().getSimpleName()
              + ": "
              + String.join("; ", errors)
              + "; nothing was loaded"
              + hint);
    }
    Backend be = m.backend();
    for (Parameter p : params.values()) {
      HostTensor h = state.get(p.name());
      if (h == null) {
        continue;
      }
      int[] dims = p.value().shape().dims();
      try (Tensor t =
          p.value().dtype() == DType.FLOAT32
              ? be.upload(h.floats(), dims)
              : be.uploadInts(h.ints(), dims)) {
        be.copy(t, p.value());
      }
    }
    return new LoadResult(missing, unexpected);
  }

  /** Why {@code h} cannot be loaded into {@code p}, or null if it can. */
  private static String mismatch(Parameter p, HostTensor h) {
    if (h == null) {
      return "tensor '" + p.name() + "' is null";
    }
    HostTensor.Dtype want =
        switch (p.value().dtype()) {
          case FLOAT32 -> HostTensor.Dtype.F32;
          case INT32 -> HostTensor.Dtype.I32;
        };
    if (h.dtype() != want || !Arrays.equals(h.shape().dims(), p.value().shape().dims())) {
      return "tensor '"
          + p.name()
          + "' is "
          + h
          + " in the state dict, the parameter is "
          + want
          + p.value().shape();
    }
    return null;
  }
}
