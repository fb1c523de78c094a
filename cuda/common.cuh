// common.cuh — helpers shared by every rnn4j kernel file (header only, no exported symbols).
//
// Conventions for all kernels in cuda/*.cu:
// - Tensors are dense row-major float32 (or int32); a 2-D view is (base pointer already moved to
//   the view's offset, rows, cols, ld) with element (r, c) at base[r * ld + c].
// - `lengths` is an int32 array of B entries, or NULL meaning "every sequence has all T steps";
//   row b of time step t is padding when t >= lengths[b].
// - Elementwise kernels use grid-stride loops over 64-bit indices, so any grid size is correct; the
//   host picks a grid that fills the device and never needs more blocks than the maximum grid.
// - Row reductions use one block per row (grid-stride over rows); blockDim.x is a multiple of 32
//   and at most 1024.
#pragma once

#include <cstdint>

#define RNN4J_EXPORT extern "C" __global__

// Grid-stride loop over [0, n) with a 64-bit index.
#define GRID_STRIDE(i, n)                                                              \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
       i += (long long)blockDim.x * gridDim.x)

// Whether row b of step t holds data (not padding).
__device__ __forceinline__ bool rnn4j_valid(const int* lengths, int b, int t) {
  return lengths == nullptr || t < lengths[b];
}

__device__ __forceinline__ float rnn4j_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// Sum over a warp with shuffles; every lane gets the result.
template <typename T>
__device__ __forceinline__ T rnn4j_warp_sum(T v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block (blockDim.x a multiple of 32, <= 1024); `scratch` holds 32 entries. Every
// thread gets the result. Contains __syncthreads: call from every thread of the block.
template <typename T>
__device__ __forceinline__ T rnn4j_block_sum(T v, T* scratch) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  v = rnn4j_warp_sum(v);
  __syncthreads();  // scratch may still be read by a previous reduction
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : T(0);
  return rnn4j_warp_sum(v);
}

// Running (max, sum of exp(x - max)) pair for a numerically stable one-pass softmax.
struct MaxSum {
  float m;
  float s;
};

__device__ __forceinline__ void rnn4j_maxsum_add(MaxSum& a, float x) {
  if (x > a.m) {
    a.s = a.s * expf(a.m - x) + 1.0f;  // exp(-inf) = 0 when a was empty
    a.m = x;
  } else if (x != -INFINITY) {  // NaN lands here and makes the sum NaN, as on the CPU
    a.s += expf(x - a.m);
  }
}

__device__ __forceinline__ MaxSum rnn4j_maxsum_merge(MaxSum a, MaxSum b) {
  if (b.m > a.m) {
    MaxSum t = a;
    a = b;
    b = t;
  }
  if (b.m > -INFINITY) a.s += b.s * expf(b.m - a.m);
  return a;
}

__device__ __forceinline__ MaxSum rnn4j_warp_maxsum(MaxSum v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    MaxSum w;
    w.m = __shfl_xor_sync(0xffffffffu, v.m, o);
    w.s = __shfl_xor_sync(0xffffffffu, v.s, o);
    v = rnn4j_maxsum_merge(v, w);
  }
  return v;
}

// Block-wide (max, sum) merge; `scratch` holds 32 entries. Every thread gets the result.
__device__ __forceinline__ MaxSum rnn4j_block_maxsum(MaxSum v, MaxSum* scratch) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  v = rnn4j_warp_maxsum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  MaxSum e;
  e.m = -INFINITY;
  e.s = 0.0f;
  v = lane < warps ? scratch[lane] : e;
  return rnn4j_warp_maxsum(v);
}
