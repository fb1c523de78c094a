package dev.rnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.CpuOptions.Activations;
import dev.rnn4j.backend.CpuOptions.FusedRnn;
import dev.rnn4j.backend.CudaOptions.Gemm;
import dev.rnn4j.backend.CudaOptions.LaunchArguments;
import dev.rnn4j.backend.cpu.CpuBackend;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The system properties still work: {@link SystemProperties} maps each one to its option (and
 * nothing else), leaves unset ones at the defaults, refuses values it does not understand naming
 * the property, and the backends built without options read them. Most cases go through a map
 * lookup; the last ones set real system properties (restored afterwards), since that is the path
 * users and scripts take.
 */
class SystemPropertiesTest {
  private static final CpuOptions CPU = CpuOptions.defaults();
  private static final CudaOptions CUDA = CudaOptions.defaults();

  /** Property → one value → the options it makes (the defaults with one setting changed). */
  private static Map<String, Map<String, Object>> table() {
    Map<String, Map<String, Object>> t = new LinkedHashMap<>();
    t.put(SystemProperties.THREADS, Map.of(" 3", CPU.withThreads(3)));
    t.put(SystemProperties.CPU_GEMM, Map.of("F32", CPU.withGemm(CpuGemm.F32)));
    t.put(
        SystemProperties.CPU_ACTIVATIONS, Map.of("exact", CPU.withActivations(Activations.EXACT)));
    t.put(
        SystemProperties.CPU_FUSED_RNN,
        Map.of(
            "false", CPU.withFusedRnn(FusedRnn.NEVER), "true", CPU.withFusedRnn(FusedRnn.ALWAYS)));
    t.put(SystemProperties.CPU_CHECK_MEMORY, Map.of("TRUE", CPU.withCheckMemory(true)));
    t.put(
        SystemProperties.CPU_CACHE_BYTES,
        Map.of("1048576", CPU.withCacheBytes(1 << 20), "0x100", CPU.withCacheBytes(256)));
    t.put(SystemProperties.CUDA_DEVICE, Map.of("1", CUDA.withDevice(1)));
    t.put(
        SystemProperties.CUDA_GEMM,
        Map.of("kernel", CUDA.withGemm(Gemm.KERNEL), "cublas", CUDA.withGemm(Gemm.CUBLAS)));
    t.put(SystemProperties.CUDA_TF32, Map.of(" true ", CUDA.withTf32(true)));
    t.put(
        SystemProperties.CUDA_FUSED_STEP_MAX_BATCH,
        Map.of("0", CUDA.withFusedStepMaxBatch(0), " 16", CUDA.withFusedStepMaxBatch(16)));
    t.put(SystemProperties.CUDA_SYNC, Map.of("true", CUDA.withSync(true)));
    t.put(
        SystemProperties.CUDA_LAUNCH,
        Map.of("arrays", CUDA.withLaunchArguments(LaunchArguments.ARRAYS)));
    return t;
  }

  /** Every public property-name constant of {@link SystemProperties}. */
  private static List<String> propertyNames() {
    List<String> names = new ArrayList<>();
    for (Field f : SystemProperties.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return names;
  }

  @Test
  void unsetPropertiesLeaveTheDefaults() {
    assertEquals(CPU, SystemProperties.cpuOptions(name -> null));
    assertEquals(CUDA, SystemProperties.cudaOptions(name -> null));
    assertEquals("auto", SystemProperties.backend(name -> null));
    assertEquals("cuda", SystemProperties.backend(Map.of(SystemProperties.BACKEND, "cuda")::get));
  }

  @Test
  void eachPropertyMapsToItsOptionAndNothingElse() {
    Map<String, Map<String, Object>> t = table();
    List<String> names = new ArrayList<>(propertyNames());
    names.remove(SystemProperties.BACKEND);
    assertEquals(new TreeSet<>(names), new TreeSet<>(t.keySet()), "a property without a row");
    t.forEach(
        (property, values) ->
            values.forEach(
                (value, expected) -> {
                  Map<String, String> props = Map.of(property, value);
                  Object cpu = SystemProperties.cpuOptions(props::get);
                  Object cuda = SystemProperties.cudaOptions(props::get);
                  String what = "-D" + property + "=" + value;
                  if (expected instanceof CpuOptions) {
                    assertEquals(expected, cpu, what);
                    assertEquals(CUDA, cuda, what + " changed the CUDA options");
                  } else {
                    assertEquals(expected, cuda, what);
                    assertEquals(CPU, cpu, what + " changed the CPU options");
                  }
                }));
  }

  @Test
  void allPropertiesTogether() {
    Map<String, String> props = new HashMap<>();
    props.put(SystemProperties.THREADS, "2");
    props.put(SystemProperties.CPU_GEMM, "f32");
    props.put(SystemProperties.CPU_ACTIVATIONS, "exact");
    props.put(SystemProperties.CPU_FUSED_RNN, "false");
    props.put(SystemProperties.CPU_CHECK_MEMORY, "true");
    props.put(SystemProperties.CPU_CACHE_BYTES, "0");
    props.put(SystemProperties.CUDA_DEVICE, "3");
    props.put(SystemProperties.CUDA_GEMM, "kernel");
    props.put(SystemProperties.CUDA_TF32, "true");
    props.put(SystemProperties.CUDA_FUSED_STEP_MAX_BATCH, "4");
    props.put(SystemProperties.CUDA_SYNC, "true");
    props.put(SystemProperties.CUDA_LAUNCH, "arrays");
    assertEquals(
        new CpuOptions(2, CpuGemm.F32, Activations.EXACT, FusedRnn.NEVER, true, 0),
        SystemProperties.cpuOptions(props::get));
    assertEquals(
        new CudaOptions(3, Gemm.KERNEL, true, 4, true, LaunchArguments.ARRAYS),
        SystemProperties.cudaOptions(props::get));
  }

  private static void refused(String property, String value, String... parts) {
    Map<String, String> props = Map.of(property, value);
    boolean cpu = property.equals(SystemProperties.THREADS) || property.startsWith("rnn4j.cpu.");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              if (cpu) {
                SystemProperties.cpuOptions(props::get);
              } else {
                SystemProperties.cudaOptions(props::get);
              }
            },
            property + "=" + value);
    String m = e.getMessage();
    assertTrue(m.startsWith("system property " + property + ": "), m);
    assertTrue(m.contains("'" + value + "'"), m);
    for (String p : parts) {
      assertTrue(m.contains(p), "'" + p + "' missing from: " + m);
    }
  }

  @Test
  void valuesNotUnderstoodAreRefusedNamingThePropertyAndTheChoices() {
    for (String bad : new String[] {"0", "-1", "many", ""}) {
      refused(SystemProperties.THREADS, bad, "a positive integer");
    }
    refused(SystemProperties.CPU_GEMM, "half", "sgemm, f32, bf16");
    refused(SystemProperties.CPU_ACTIVATIONS, "quick", "expected fast or exact");
    refused(SystemProperties.CPU_FUSED_RNN, "yes", "expected auto, true or false");
    refused(SystemProperties.CPU_CHECK_MEMORY, "on", "expected true or false");
    refused(SystemProperties.CPU_CACHE_BYTES, "1g", "a whole number of bytes >= 0");
    refused(SystemProperties.CPU_CACHE_BYTES, "-5", "a whole number of bytes >= 0");
    refused(SystemProperties.CUDA_DEVICE, "-1", "a device ordinal >= 0");
    refused(SystemProperties.CUDA_DEVICE, "gpu0", "a device ordinal >= 0");
    refused(SystemProperties.CUDA_GEMM, "cudnn", "expected auto, cublas or kernel");
    refused(SystemProperties.CUDA_TF32, "yes", "expected true or false");
    for (String bad : new String[] {"64", "-1", "many"}) {
      refused(SystemProperties.CUDA_FUSED_STEP_MAX_BATCH, bad, "0 (no fused steps) to 32");
    }
    refused(SystemProperties.CUDA_SYNC, "1", "expected true or false");
    refused(SystemProperties.CUDA_LAUNCH, "java", "expected buffer or arrays");
  }

  /** The names users and scripts use (docs/, scripts/): they must not change. */
  private static final List<String> NAMES =
      List.of(
          "rnn4j.backend",
          "rnn4j.threads",
          "rnn4j.cpu.gemm",
          "rnn4j.cpu.activations",
          "rnn4j.cpu.fusedRnn",
          "rnn4j.cpu.checkMemory",
          "rnn4j.cpu.cacheBytes",
          "rnn4j.cuda.device",
          "rnn4j.cuda.gemm",
          "rnn4j.cuda.tf32",
          "rnn4j.cuda.fusedStepMaxBatch",
          "rnn4j.cuda.sync",
          "rnn4j.cuda.launch");

  @Test
  void theNamesAreThoseUsersAndScriptsUse() {
    assertEquals(new TreeSet<>(NAMES), new TreeSet<>(propertyNames()));
    assertEquals(SystemProperties.BACKEND, Backends.PROPERTY);
    assertEquals(SystemProperties.THREADS, Backends.THREADS_PROPERTY);
    assertEquals(SystemProperties.CPU_GEMM, CpuGemm.PROPERTY);
  }

  @Test
  void theDocsTableListsEveryProperty() throws IOException {
    String doc = Files.readString(Path.of("docs/ARCHITECTURE.md"));
    for (String name : propertyNames()) {
      assertTrue(doc.contains("| `" + name + "`"), name + " has no row in docs/ARCHITECTURE.md");
    }
  }

  // ---------------------------------------------------------------- real system properties

  /** Runs {@code body} with the given system properties set, restoring the old values after. */
  private static <T> T withProperties(Map<String, String> props, Supplier<T> body) {
    Map<String, String> old = new HashMap<>();
    props.keySet().forEach(k -> old.put(k, System.getProperty(k)));
    try {
      props.forEach(System::setProperty);
      return body.get();
    } finally {
      old.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
  }

  @Test
  void fromSystemPropertiesReadsTheRealProperties() {
    Map<String, String> props =
        Map.of(
            SystemProperties.THREADS, "3",
            SystemProperties.CPU_FUSED_RNN, "false",
            SystemProperties.CUDA_TF32, "true",
            SystemProperties.CUDA_FUSED_STEP_MAX_BATCH, "8");
    CpuOptions cpu = withProperties(props, CpuOptions::fromSystemProperties);
    CudaOptions cuda = withProperties(props, CudaOptions::fromSystemProperties);
    assertEquals(
        CpuOptions.fromSystemProperties().withThreads(3).withFusedRnn(FusedRnn.NEVER), cpu);
    assertEquals(CudaOptions.fromSystemProperties().withTf32(true).withFusedStepMaxBatch(8), cuda);
  }

  @Test
  void backendsBuiltWithoutOptionsReadTheProperties() {
    Map<String, String> props =
        Map.of(SystemProperties.THREADS, "2", SystemProperties.CPU_FUSED_RNN, "false");
    try (CpuBackend be = withProperties(props, CpuBackend::new)) {
      assertEquals(2, be.threads());
      assertEquals(FusedRnn.NEVER, be.options().fusedRnn());
      assertNull(be.fusedSequence(SequenceCell.LSTM, 64, 64));
    }
    try (CpuBackend be = withProperties(props, () -> new CpuBackend(1))) {
      assertEquals(1, be.threads(), "the argument wins over rnn4j.threads");
      assertEquals(FusedRnn.NEVER, be.options().fusedRnn());
    }
    try (Backend be = withProperties(props, () -> Backends.create("cpu"))) {
      assertEquals(2, ((CpuBackend) be).threads());
      assertEquals(FusedRnn.NEVER, ((CpuBackend) be).options().fusedRnn());
    }
    try (Backend be =
        withProperties(
            props, () -> Backends.create("cpu", CpuOptions.defaults().withThreads(1), null))) {
      assertEquals(
          CpuOptions.defaults().withThreads(1), ((CpuBackend) be).options(), "options win");
    }
  }

  @Test
  void aBadCpuPropertyStopsTheCpuBackendNamingIt() {
    Map<String, String> props = Map.of(SystemProperties.CPU_GEMM, "half");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> withProperties(props, () -> new CpuBackend(1)));
    assertTrue(e.getMessage().contains(CpuGemm.PROPERTY), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> withProperties(props, () -> Backends.create("cpu")));
    assertTrue(e.getMessage().contains(CpuGemm.PROPERTY), e.getMessage());
  }

  /**
   * A bad CUDA property never stops the CPU backend. Here, without rnn4j-cuda, CUDA is unavailable
   * for that first reason and its properties are not even read; with rnn4j-cuda on the class path,
   * the property itself is the reason ({@code CudaPropertiesTest} of the CUDA module).
   */
  @Test
  void aBadCudaPropertyLeavesCpuAlone() {
    Map<String, String> props = Map.of(SystemProperties.CUDA_TF32, "yes");
    try (Backend be = withProperties(props, () -> Backends.create("cpu"))) {
      assertEquals("cpu", be.name());
    }
    BackendUnavailableException e =
        assertThrows(
            BackendUnavailableException.class,
            () -> withProperties(props, () -> Backends.create("cuda")));
    assertTrue(e.getMessage().contains("add dev.rnn4j:rnn4j-cuda"), e.getMessage());
    try (Backend be = withProperties(props, () -> Backends.create("auto"))) {
      assertEquals("cpu", be.name(), "auto falls back to the CPU, as for any CUDA failure");
    }
  }
}
