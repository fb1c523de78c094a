// embedding.cu — embedding lookup and its gradient.  Reference: CpuEmbedding.gather / scatterAdd
// (Backend.embeddingGather / embeddingScatterAdd).
//
// table, dTable (V, E) row-major; ids int32 (N); out, dOut (N, E).
// An id outside [0, V) is never read or written through: the row is zero-filled (gather) or skipped
// (scatter) and atomicMin(badPos, n) records the first bad position; the host initialises *badPos to
// INT_MAX, reads it back after the launch and throws naming the position and the id.
// Launch: 1-D grid-stride over N*E elements, one thread per (n, e); any grid and block size.
#include "common.cuh"

// out[n, :] = table[ids[n], :].
RNN4J_EXPORT void embedding_gather_f32(const float* __restrict__ table,
                                       const int* __restrict__ ids, float* __restrict__ out,
                                       int* badPos, int N, int V, int E) {
  GRID_STRIDE(k, (long long)N * E) {
    const int n = (int)(k / E);
    const int e = (int)(k - (long long)n * E);
    const int id = ids[n];
    if (id < 0 || id >= V) {
      out[k] = 0.0f;
      if (e == 0) atomicMin(badPos, n);
    } else {
      out[k] = table[(long long)id * E + e];
    }
  }
}

// dTable[ids[n], :] += dOut[n, :] for ids[n] != skipId (accumulates; atomics, so the order in which
// repeated ids add up is not fixed: results agree with the CPU to float rounding).
RNN4J_EXPORT void embedding_scatter_add_f32(const float* __restrict__ dOut,
                                            const int* __restrict__ ids, int skipId,
                                            float* dTable, int* badPos, int N, int V, int E) {
  GRID_STRIDE(k, (long long)N * E) {
    const int n = (int)(k / E);
    const int e = (int)(k - (long long)n * E);
    const int id = ids[n];
    if (id == skipId) continue;
    if (id < 0 || id >= V) {
      if (e == 0) atomicMin(badPos, n);
      continue;
    }
    atomicAdd(dTable + (long long)id * E + e, dOut[k]);
  }
}
