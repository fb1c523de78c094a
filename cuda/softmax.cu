// softmax.cu — row-wise softmax, log-softmax, softmax backward and the fused softmax /
// cross-entropy loss with ignore index and label smoothing.
// Reference: CpuSoftmax (softmaxRow, logSoftmaxRow, softmaxBackwardRow, crossEntropyRow,
// crossEntropyBackwardRow).
//
// Shapes: x, y, probs, dLogits (N, V) row-major contiguous; targets int32 (N); losses (N).
// Numerics: one pass keeps a running (max, sum of exp(x - max)) per thread, merged across the
// warp by shuffles and across the block through shared memory, so no exp ever overflows and a row
// is read twice (reduce, write) whatever V is (tested to V = 50,000+).  A row of all -inf gives
// softmax 0 (like the CPU).  Sums are float within a thread then tree-reduced.
// Launch (row kernels): one block per row, grid-stride over rows (any grid), blockDim a multiple of
// 32 up to 1024 (the host picks 32..512 from V); static shared memory only.
// cross_entropy_backward_f32 is elementwise: 1-D grid-stride over N*V.
#include "common.cuh"

__device__ __forceinline__ MaxSum row_maxsum(const float* __restrict__ row, int V,
                                             MaxSum* scratch) {
  MaxSum a;
  a.m = -INFINITY;
  a.s = 0.0f;
  for (int k = threadIdx.x; k < V; k += blockDim.x) rnn4j_maxsum_add(a, row[k]);
  return rnn4j_block_maxsum(a, scratch);
}

// y[r, :] = exp(x - max) / sum exp(x - max).  y may alias x.
RNN4J_EXPORT void softmax_forward_f32(const float* x, float* y, int N, int V) {
  __shared__ MaxSum scratch[32];
  for (int r = blockIdx.x; r < N; r += gridDim.x) {
    const float* xr = x + (long long)r * V;
    float* yr = y + (long long)r * V;
    const MaxSum ms = row_maxsum(xr, V, scratch);
    if (ms.m == -INFINITY) {
      for (int k = threadIdx.x; k < V; k += blockDim.x) yr[k] = 0.0f;
    } else {
      const float inv = 1.0f / ms.s;
      for (int k = threadIdx.x; k < V; k += blockDim.x) yr[k] = expf(xr[k] - ms.m) * inv;
    }
  }
}

// y[r, :] = x - max - log sum exp(x - max).  y may alias x.
RNN4J_EXPORT void log_softmax_forward_f32(const float* x, float* y, int N, int V) {
  __shared__ MaxSum scratch[32];
  for (int r = blockIdx.x; r < N; r += gridDim.x) {
    const float* xr = x + (long long)r * V;
    float* yr = y + (long long)r * V;
    const MaxSum ms = row_maxsum(xr, V, scratch);
    const float lse = ms.m + logf(ms.s);
    for (int k = threadIdx.x; k < V; k += blockDim.x) yr[k] = xr[k] - lse;
  }
}

// dx[r, :] = y (dy - sum(dy y)); dx may alias dy (each element is read before it is written).
RNN4J_EXPORT void softmax_backward_f32(const float* __restrict__ y, const float* dy, float* dx,
                                       int N, int V) {
  __shared__ float scratch[32];
  for (int r = blockIdx.x; r < N; r += gridDim.x) {
    const long long o = (long long)r * V;
    float dot = 0.0f;
    for (int k = threadIdx.x; k < V; k += blockDim.x) dot += dy[o + k] * y[o + k];
    dot = rnn4j_block_sum(dot, scratch);
    for (int k = threadIdx.x; k < V; k += blockDim.x) dx[o + k] = y[o + k] * (dy[o + k] - dot);
  }
}

// Per row r with t = targets[r]:
//   t == ignore: losses[r] = 0, probs[r, :] = 0;
//   t outside [0, V): losses[r] = NaN, probs[r, :] = 0, and atomicMin(badRow, r) (the host
//     initialises *badRow to INT_MAX and reports the first bad row as an error);
//   else: probs = softmax(logits), lse = max + log sum exp(x - max),
//         losses[r] = (1 - eps)(lse - x[t]) + eps (lse - mean(x)).
// probs may alias logits (no __restrict__ on either): x[t] is read before the block reductions,
// whose barriers order it before any write of probs; each thread then reads x[k] before it writes
// p[k] at the same k.
RNN4J_EXPORT void cross_entropy_forward_f32(const float* logits,
                                            const int* __restrict__ targets, int ignoreIndex,
                                            float eps, float* probs,
                                            float* __restrict__ losses, int* badRow, int N,
                                            int V) {
  __shared__ MaxSum scratch[32];
  __shared__ float sums[32];
  for (int r = blockIdx.x; r < N; r += gridDim.x) {
    const float* xr = logits + (long long)r * V;
    float* pr = probs + (long long)r * V;
    const int t = targets[r];
    if (t == ignoreIndex || t < 0 || t >= V) {  // uniform across the block
      for (int k = threadIdx.x; k < V; k += blockDim.x) pr[k] = 0.0f;
      if (threadIdx.x == 0) {
        losses[r] = t == ignoreIndex ? 0.0f : __int_as_float(0x7fc00000);
        if (t != ignoreIndex) atomicMin(badRow, r);
      }
      continue;
    }
    const float xt = xr[t];
    MaxSum a;
    a.m = -INFINITY;
    a.s = 0.0f;
    float sumX = 0.0f;
    for (int k = threadIdx.x; k < V; k += blockDim.x) {
      const float v = xr[k];
      rnn4j_maxsum_add(a, v);
      sumX += v;
    }
    const MaxSum ms = rnn4j_block_maxsum(a, scratch);
    sumX = rnn4j_block_sum(sumX, sums);
    const float inv = 1.0f / ms.s;
    for (int k = threadIdx.x; k < V; k += blockDim.x) pr[k] = expf(xr[k] - ms.m) * inv;
    if (threadIdx.x == 0) {
      const float lse = ms.m + logf(ms.s);
      losses[r] = (1.0f - eps) * (lse - xt) + eps * (lse - sumX / (float)V);
    }
  }
}

// dLogits[r, k] = scale (p[r, k] - eps / V - (k == t ? 1 - eps : 0)) for kept rows, 0 for rows
// whose target is the ignore index.  dLogits may alias probs.
RNN4J_EXPORT void cross_entropy_backward_f32(const float* probs, const int* __restrict__ targets,
                                             int ignoreIndex, float eps, float scale,
                                             float* dLogits, int N, int V) {
  const float u = eps / (float)V;
  GRID_STRIDE(k, (long long)N * V) {
    const int r = (int)(k / V);
    const int c = (int)(k - (long long)r * V);
    const int t = targets[r];
    float g = 0.0f;
    if (t != ignoreIndex) g = scale * (probs[k] - u - (c == t ? 1.0f - eps : 0.0f));
    dLogits[k] = g;
  }
}
