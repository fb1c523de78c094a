// reductions.cu — whole-tensor reductions: sum, sum of squares (both accumulated in double) and a
// finiteness check.  Reference: CpuReductions.sum / allFinite.
//
// Two passes, deterministic for a fixed grid: reduce_partials_f32 writes one double per block into
// partials[blockIdx.x]; reduce_finish_f64 (one block) adds `count` partials into result[0].
// Launch: reduce_partials_f32 with any grid (the host uses <= 1024 blocks) and blockDim a multiple
// of 32 (<= 1024); reduce_finish_f64 with one block of a multiple of 32 threads.
#include "common.cuh"

// partials[block] = sum over this block's grid-stride share of x (squared when squares != 0).
RNN4J_EXPORT void reduce_partials_f32(const float* __restrict__ x, long long n, int squares,
                                      double* __restrict__ partials) {
  __shared__ double scratch[32];
  double acc = 0.0;
  GRID_STRIDE(k, n) {
    const double v = x[k];
    acc += squares ? v * v : v;
  }
  acc = rnn4j_block_sum(acc, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// result[0] = sum of partials[0 .. count).
RNN4J_EXPORT void reduce_finish_f64(const double* __restrict__ partials, int count,
                                    double* __restrict__ result) {
  __shared__ double scratch[32];
  double acc = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
  acc = rnn4j_block_sum(acc, scratch);
  if (threadIdx.x == 0) result[0] = acc;
}

// flag[0] = 1 if any element of x is NaN or infinite (flag must be 0 before; only ever set to 1).
RNN4J_EXPORT void non_finite_f32(const float* __restrict__ x, long long n, int* flag) {
  bool bad = false;
  GRID_STRIDE(k, n) { bad |= !isfinite(x[k]); }
  if (__any_sync(0xffffffffu, bad) && (threadIdx.x & 31) == 0) *flag = 1;
}
