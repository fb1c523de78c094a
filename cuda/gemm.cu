// gemm.cu — fallback single-precision GEMM for where cuBLAS cannot load (it needs only the driver).
// Reference: CpuGemmEngine.gemm / gemmStridedBatched (oneDNN sgemm); the GPU prefers cuBLAS.
//
// Row-major: C_i = alpha op(A_i) op(B_i) + beta C_i for i in [0, count), X_i = X + i * strideX,
// op(A) (M, K), op(B) (K, N), C (M, N); element (r, c) of A is A[r * lda + c] (ta: op(A)(r, c) =
// A[c * lda + r]), likewise B.  beta == 0: C is not read (NaN in C is overwritten).
// Tiling: a 64x64 tile of C per block of 256 threads (16 x 16), each thread a 4x4 micro-tile
// strided by 16 (conflict-free shared reads), K in steps of 16 through shared memory; edges are
// guarded, so any M, N, K >= 0 and any ld work.  Float accumulation in K order per element.
// Launch: blockDim (16, 16); grid (ceil(N/64), min(ceil(M/64), 65535), min(count, 65535)); the
// kernel grid-strides over row tiles and batch entries, so larger problems need no other grid.
#include "common.cuh"

#define TILE 64
#define TK 16

RNN4J_EXPORT void __launch_bounds__(256)
    gemm_f32(int M, int N, int K, float alpha, const float* __restrict__ A, int lda, int ta,
             long long strideA, const float* __restrict__ B, int ldb, int tb, long long strideB,
             float beta, float* C, int ldc, long long strideC, int count) {
  __shared__ float As[TK][TILE + 1];  // As[k][m] = op(A)(m0 + m, k0 + k)
  __shared__ float Bs[TK][TILE + 1];  // Bs[k][n] = op(B)(k0 + k, n0 + n)
  const int tx = threadIdx.x;         // 0..15, columns
  const int ty = threadIdx.y;         // 0..15, rows
  const int tid = ty * 16 + tx;
  const int n0 = blockIdx.x * TILE;
  const int tilesM = (M + TILE - 1) / TILE;
  for (int batch = blockIdx.z; batch < count; batch += gridDim.z) {
    const float* a = A + batch * strideA;
    const float* b = B + batch * strideB;
    float* c = C + batch * strideC;
    for (int tm = blockIdx.y; tm < tilesM; tm += gridDim.y) {
      const int m0 = tm * TILE;
      float acc[4][4];
#pragma unroll
      for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
      for (int k0 = 0; k0 < K; k0 += TK) {
        // 64 x 16 elements of each operand, 4 per thread.
#pragma unroll
        for (int l = 0; l < 4; l++) {
          const int e = tid + l * 256;
          // op(A) tile: m = e % 64, k = e / 64 when A is transposed (contiguous in m), else
          // k = e % 16, m = e / 16 (contiguous in k): coalesced either way.
          int m, k;
          if (ta) {
            m = e & 63;
            k = e >> 6;
          } else {
            k = e & 15;
            m = e >> 4;
          }
          const int gm = m0 + m;
          const int gk = k0 + k;
          float v = 0.0f;
          if (gm < M && gk < K) v = ta ? a[(long long)gk * lda + gm] : a[(long long)gm * lda + gk];
          As[k][m] = v;
          int n, kb;
          if (tb) {
            kb = e & 15;
            n = e >> 4;
          } else {
            n = e & 63;
            kb = e >> 6;
          }
          const int gn = n0 + n;
          const int gkb = k0 + kb;
          float w = 0.0f;
          if (gn < N && gkb < K) w = tb ? b[(long long)gn * ldb + gkb] : b[(long long)gkb * ldb + gn];
          Bs[kb][n] = w;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < TK; k++) {
          float ar[4], br[4];
#pragma unroll
          for (int i = 0; i < 4; i++) ar[i] = As[k][ty + 16 * i];
#pragma unroll
          for (int j = 0; j < 4; j++) br[j] = Bs[k][tx + 16 * j];
#pragma unroll
          for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);
        }
        __syncthreads();
      }
#pragma unroll
      for (int i = 0; i < 4; i++) {
        const int gm = m0 + ty + 16 * i;
        if (gm >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
          const int gn = n0 + tx + 16 * j;
          if (gn >= N) continue;
          float* p = c + (long long)gm * ldc + gn;
          *p = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *p;
        }
      }
    }
  }
}
