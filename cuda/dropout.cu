// dropout.cu — inverted dropout with a counter-based generator that reproduces
// dev.rnn4j.util.CounterRng bit for bit (SplitMix64's finaliser over seed + (i + 1) * golden
// ratio; Java's wrapping signed long arithmetic is the same bits as unsigned 64-bit here, and >>>
// is the unsigned shift).  Reference: CpuElementwise.dropout (its loop: VecOps.dropout).
//
// mask[i] = u(seed, i) >= p ? keep : 0 with keep = 1 / (1 - p) computed by the host in float (so
// both backends use the same rounded value); y[i] = x[i] * mask[i].  x, mask, y: n floats; y may
// alias x.
// Launch: 1-D grid-stride over n; any grid and block size.
#include "common.cuh"

__device__ __forceinline__ unsigned long long counter_bits(unsigned long long seed,
                                                           unsigned long long index) {
  unsigned long long z = seed + (index + 1ull) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A uniform float in [0, 1) from the top 24 bits (exact: a 24-bit integer times 2^-24).
__device__ __forceinline__ float counter_uniform(unsigned long long seed,
                                                 unsigned long long index) {
  return (float)(counter_bits(seed, index) >> 40) * 0x1.0p-24f;
}

RNN4J_EXPORT void dropout_f32(const float* x, long long n, float p, float keep,
                              unsigned long long seed, float* mask, float* y) {
  GRID_STRIDE(k, n) {
    const float m = counter_uniform(seed, (unsigned long long)k) >= p ? keep : 0.0f;
    mask[k] = m;
    y[k] = x[k] * m;
  }
}
