package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.backend.CpuGemm;
import picocli.CommandLine.Option;

/**
 * The options that choose where a command computes: {@code --backend}, {@code --cpu-gemm} and
 * {@code --threads}.
 */
final class BackendOptions {
  @Option(
      names = "--backend",
      defaultValue = "auto",
      description = "cpu, cuda or auto (CUDA where a GPU is usable, else CPU; default auto)")
  String backend;

  @Option(
      names = "--cpu-gemm",
      paramLabel = "MODE",
      description =
          "how the CPU backend multiplies matrices: sgemm (default; f32), f32 (oneDNN's matmul"
              + " primitive) or bf16 (mixed precision: operands rounded to bfloat16, f32"
              + " accumulation; about 2x faster GEMMs on CPUs with AVX512-BF16 or AMX, refused with"
              + " the reason elsewhere). Default: system property "
              + CpuGemm.PROPERTY
              + ", else sgemm")
  String cpuGemm;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "threads of the CPU backend (0: one per core, or the system property "
              + Backends.THREADS_PROPERTY
              + "); oneDNN's own threads come from OMP_NUM_THREADS, which the rnn4j launcher"
              + " sets to 1")
  int threads;

  /** Opens the chosen backend; a bad {@code --cpu-gemm} value names the option and the choices. */
  Backend open() {
    CpuGemm gemm = null;
    if (cpuGemm != null) {
      try {
        gemm = CpuGemm.parse(cpuGemm);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--cpu-gemm: " + e.getMessage(), e);
      }
    }
    if (threads < 0) {
      throw new IllegalArgumentException(
          "--threads must be >= 0 (0: one per core), got " + threads);
    }
    return Backends.create(backend, gemm, threads);
  }
}
