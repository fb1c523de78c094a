package dev.rnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dev.rnn4j.backend.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * The kernel modules, built from {@code cuda/*.cu} at build time and shipped as classpath resources
 * under {@value #RESOURCE_DIR} (no nvcc at run time). Each module comes in up to three variants,
 * tried in this order: {@code NAME.fatbin} (sm_80 and sm_90 machine code plus compute_90 PTX: no
 * JIT on A100/H100), {@code NAME.ptx} (PTX ISA 9.0, needs a CUDA 13 driver, r580+) and {@code
 * NAME.isa80.ptx} (the same PTX declared ISA 8.0 for older drivers).
 */
final class CudaModules {
  /** Classpath folder of the built kernels. */
  static final String RESOURCE_DIR = "/dev/rnn4j/cuda/";

  /** Variant suffixes in the order they are tried. */
  static final List<String> VARIANTS = List.of(".fatbin", ".ptx", ".isa80.ptx");

  private final Map<String, CUmodule> modules;
  private final Map<String, String> loadedFrom;

  private CudaModules(Map<String, CUmodule> modules, Map<String, String> loadedFrom) {
    this.modules = modules;
    this.loadedFrom = Collections.unmodifiableMap(loadedFrom);
  }

  /** Module names used by {@link Kernel}, in declaration order. */
  static Set<String> names() {
    Set<String> s = new LinkedHashSet<>();
    for (Kernel k : Kernel.values()) {
      s.add(k.module());
    }
    return s;
  }

  /** The bytes of every variant found on the classpath, read before the driver is touched. */
  record Sources(Map<String, Map<String, byte[]>> byModule) {
    static Sources fromClasspath() {
      Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
      List<String> missing = new ArrayList<>();
      for (String m : names()) {
        Map<String, byte[]> variants = new LinkedHashMap<>();
        for (String v : VARIANTS) {
          byte[] b = read(RESOURCE_DIR + m + v);
          if (b != null) {
            variants.put(v, b);
          }
        }
        if (variants.isEmpty()) {
          missing.add(m);
        }
        all.put(m, variants);
      }
      if (!missing.isEmpty()) {
        throw new BackendUnavailableException(
            "this rnn4j build has no CUDA kernels for "
                + missing
                + " (resources "
                + RESOURCE_DIR
                + "<module>.fatbin/.ptx are missing): it was built without nvcc. Rebuild it where"
                + " /usr/local/cuda/bin/nvcc exists (CUDA 13) to get the CUDA backend");
      }
      return new Sources(all);
    }

    private static byte[] read(String path) {
      try (InputStream in = CudaModules.class.getResourceAsStream(path)) {
        return in == null ? null : in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("reading kernel resource " + path, e);
      }
    }
  }

  /**
   * Loads every module into the current context, trying the variants in order. Throws {@link
   * BackendUnavailableException} naming each variant's failure when none loads.
   */
  static CudaModules load(Sources sources, String device, int driverVersion) {
    Map<String, CUmodule> loaded = new LinkedHashMap<>();
    Map<String, String> from = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, byte[]>> e : sources.byModule().entrySet()) {
      String name = e.getKey();
      List<String> failures = new ArrayList<>();
      for (Map.Entry<String, byte[]> v : e.getValue().entrySet()) {
        byte[] image = v.getKey().endsWith(".ptx") ? nulTerminated(v.getValue()) : v.getValue();
        CUmodule module = new CUmodule();
        int rc = cuModuleLoadData(module, image);
        if (rc == CUresult.CUDA_SUCCESS) {
          loaded.put(name, module);
          from.put(name, name + v.getKey());
          break;
        }
        failures.add(name + v.getKey() + ": " + CUresult.stringFor(rc));
      }
      if (!loaded.containsKey(name)) {
        throw new BackendUnavailableException(
            "could not load CUDA module '"
                + name
                + "' on "
                + device
                + ": "
                + String.join("; ", failures)
                + (driverVersion < 13000
                    ? " (this driver supports CUDA "
                        + driverVersion / 1000
                        + "."
                        + driverVersion % 1000 / 10
                        + "; the kernels' PTX ISA 9.0 needs a CUDA 13 driver, r580 or newer)"
                    : ""));
      }
    }
    return new CudaModules(loaded, from);
  }

  private static byte[] nulTerminated(byte[] ptx) {
    byte[] b = Arrays.copyOf(ptx, ptx.length + 1);
    b[ptx.length] = 0;
    return b;
  }

  CUmodule module(String name) {
    CUmodule m = modules.get(name);
    if (m == null) {
      throw new IllegalStateException("no CUDA module '" + name + "' was loaded");
    }
    return m;
  }

  Map<String, String> loadedFrom() {
    return loadedFrom;
  }
}
