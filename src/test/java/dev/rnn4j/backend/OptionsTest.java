package dev.rnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.CpuOptions.Activations;
import dev.rnn4j.backend.CpuOptions.FusedRnn;
import dev.rnn4j.backend.CudaOptions.Gemm;
import dev.rnn4j.backend.CudaOptions.LaunchArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link CpuOptions} and {@link CudaOptions} as objects: the documented defaults, withers that
 * change one setting each, and refusals that name the setting, the value and the fix.
 */
class OptionsTest {
  private static void refused(Executable build, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void cpuDefaultsAreTheDocumentedOnes() {
    CpuOptions d = CpuOptions.defaults();
    assertEquals(Runtime.getRuntime().availableProcessors(), d.threads());
    assertEquals(CpuGemm.SGEMM, d.gemm());
    assertEquals(Activations.FAST, d.activations());
    assertEquals(FusedRnn.AUTO, d.fusedRnn());
    assertFalse(d.checkMemory());
    assertEquals(1L << 30, d.cacheBytes());
  }

  @Test
  void cpuWithersChangeOneSettingEach() {
    CpuOptions d = CpuOptions.defaults().withThreads(3);
    CpuOptions all =
        d.withGemm(CpuGemm.F32)
            .withActivations(Activations.EXACT)
            .withFusedRnn(FusedRnn.NEVER)
            .withCheckMemory(true)
            .withCacheBytes(0);
    assertEquals(new CpuOptions(3, CpuGemm.F32, Activations.EXACT, FusedRnn.NEVER, true, 0), all);
    assertEquals(3, d.threads());
    assertEquals(7, d.withThreads(7).threads());
    assertEquals(d, d.withThreads(7).withThreads(3), "records compare by value");
    assertEquals(
        new CpuOptions(3, CpuGemm.SGEMM, Activations.FAST, FusedRnn.ALWAYS, false, 1L << 30),
        d.withFusedRnn(FusedRnn.ALWAYS));
    assertNotEquals(d, d.withCheckMemory(true));
  }

  @Test
  void cpuRefusesBadValuesNamingTheSetting() {
    CpuOptions d = CpuOptions.defaults();
    refused(() -> d.withThreads(0), "CpuOptions.threads must be >= 1", "got 0");
    refused(() -> d.withThreads(-2), "CpuOptions.threads", "got -2");
    refused(() -> d.withGemm(null), "CpuOptions.gemm is null", "CpuGemm.SGEMM");
    refused(() -> d.withActivations(null), "CpuOptions.activations is null", "FAST");
    refused(() -> d.withFusedRnn(null), "CpuOptions.fusedRnn is null", "AUTO");
    refused(() -> d.withCacheBytes(-1), "CpuOptions.cacheBytes must be >= 0", "got -1");
  }

  @Test
  void cpuEnumsParseThePropertyValues() {
    assertEquals(Activations.EXACT, Activations.parse(" Exact "));
    assertEquals(Activations.FAST, Activations.parse("fast"));
    refused(() -> Activations.parse("quick"), "expected fast or exact", "'quick'");
    assertEquals(FusedRnn.AUTO, FusedRnn.parse("auto"));
    assertEquals(FusedRnn.ALWAYS, FusedRnn.parse("TRUE"));
    assertEquals(FusedRnn.NEVER, FusedRnn.parse("false"));
    refused(() -> FusedRnn.parse("yes"), "expected auto, true or false", "'yes'");
  }

  @Test
  void cudaDefaultsAreTheDocumentedOnes() {
    CudaOptions d = CudaOptions.defaults();
    assertEquals(0, d.device());
    assertEquals(Gemm.AUTO, d.gemm());
    assertFalse(d.tf32());
    assertEquals(32, d.fusedStepMaxBatch());
    assertEquals(CudaOptions.FUSED_STEP_LIMIT, d.fusedStepMaxBatch());
    assertFalse(d.sync());
    assertEquals(LaunchArguments.BUFFER, d.launchArguments());
  }

  @Test
  void cudaWithersChangeOneSettingEach() {
    CudaOptions all =
        CudaOptions.defaults()
            .withDevice(2)
            .withGemm(Gemm.KERNEL)
            .withTf32(true)
            .withFusedStepMaxBatch(0)
            .withSync(true)
            .withLaunchArguments(LaunchArguments.ARRAYS);
    assertEquals(new CudaOptions(2, Gemm.KERNEL, true, 0, true, LaunchArguments.ARRAYS), all);
    assertEquals(
        new CudaOptions(0, Gemm.AUTO, false, 16, false, LaunchArguments.BUFFER),
        CudaOptions.defaults().withFusedStepMaxBatch(16));
  }

  @Test
  void cudaRefusesBadValuesNamingTheSetting() {
    CudaOptions d = CudaOptions.defaults();
    refused(() -> d.withDevice(-1), "CudaOptions.device must be a device ordinal >= 0", "got -1");
    refused(() -> d.withGemm(null), "CudaOptions.gemm is null", "Gemm.AUTO");
    refused(() -> d.withFusedStepMaxBatch(33), "from 0 (no fused steps) to 32", "got 33");
    refused(() -> d.withFusedStepMaxBatch(-1), "CudaOptions.fusedStepMaxBatch", "got -1");
    refused(() -> d.withLaunchArguments(null), "CudaOptions.launchArguments is null", "BUFFER");
  }

  @Test
  void cudaEnumsParseThePropertyValues() {
    assertEquals(Gemm.CUBLAS, Gemm.parse(" cuBLAS"));
    assertEquals(Gemm.KERNEL, Gemm.parse("kernel"));
    assertEquals(Gemm.AUTO, Gemm.parse("auto"));
    refused(() -> Gemm.parse("cudnn"), "expected auto, cublas or kernel", "'cudnn'");
    assertEquals(LaunchArguments.ARRAYS, LaunchArguments.parse("arrays"));
    assertEquals(LaunchArguments.BUFFER, LaunchArguments.parse("Buffer"));
    refused(() -> LaunchArguments.parse("java"), "expected buffer or arrays", "'java'");
  }
}
