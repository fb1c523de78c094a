// lstm.cu — fused LSTM cell, one time step, forward and backward.
// Reference: CpuCells.lstmForward / lstmBackward (same names, same formulas, same padding rules).
//
// Gate order (i, f, g, o), PyTorch's. Shapes, row-major views (pointer at the view's offset, ld):
//   gates  (B, 4H) ld gLd   forward in: x W_ih^T + b_ih + h_{t-1} W_hh^T; out: activated i, f, g, o
//   bias   (4H)             b_hh
//   cPrev, c, h (B, H) with their own ld
//   dh (B, H) ld; dc (B, H) contiguous (in: dL/dc_t, out: dL/dc_{t-1}); dGates (B, 4H) ld
// Forward, valid row:  a = gates + b_hh; i = s(a_i), f = s(a_f), g = tanh(a_g), o = s(a_o);
//                      c = f cPrev + i g; h = o tanh(c).
// Forward, padding row (t >= lengths[b]): c = cPrev (carried), h = 0, gates = 0.
// Backward, valid row: dct = dc + dh o (1 - tanh(c)^2); dGates = (dct g i(1-i), dct cPrev f(1-f),
//                      dct i (1-g^2), dh tanh(c) o(1-o)); dc = dct f.  (overwrites dGates and dc)
// Backward, padding row: dGates = 0, dc unchanged.
// Launch: 1-D grid-stride over B*H elements, one thread per (b, j); any grid and block size.
#include "common.cuh"

#include <cuda_pipeline_primitives.h>

RNN4J_EXPORT void lstm_cell_forward_f32(float* gates, int gLd, const float* __restrict__ bias,
                                        const float* cPrev, int cpLd, float* c, int cLd, float* h,
                                        int hLd, const int* __restrict__ lengths, int t, int B,
                                        int H) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float* g = gates + (long long)b * gLd;
    const float cp = cPrev[(long long)b * cpLd + j];
    if (!rnn4j_valid(lengths, b, t)) {
      c[(long long)b * cLd + j] = cp;
      h[(long long)b * hLd + j] = 0.0f;
      g[j] = 0.0f;
      g[H + j] = 0.0f;
      g[2 * H + j] = 0.0f;
      g[3 * H + j] = 0.0f;
      continue;
    }
    const float i = rnn4j_sigmoid(g[j] + bias[j]);
    const float f = rnn4j_sigmoid(g[H + j] + bias[H + j]);
    const float gg = tanhf(g[2 * H + j] + bias[2 * H + j]);
    const float o = rnn4j_sigmoid(g[3 * H + j] + bias[3 * H + j]);
    const float cc = f * cp + i * gg;
    c[(long long)b * cLd + j] = cc;
    h[(long long)b * hLd + j] = o * tanhf(cc);
    g[j] = i;
    g[H + j] = f;
    g[2 * H + j] = gg;
    g[3 * H + j] = o;
  }
}

RNN4J_EXPORT void lstm_cell_backward_f32(const float* __restrict__ gates, int gLd,
                                         const float* __restrict__ c, int cLd,
                                         const float* __restrict__ cPrev, int cpLd,
                                         const float* __restrict__ dh, int dhLd, float* dc,
                                         float* dGates, int dgLd, const int* __restrict__ lengths,
                                         int t, int B, int H) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float* dg = dGates + (long long)b * dgLd;
    if (!rnn4j_valid(lengths, b, t)) {
      dg[j] = 0.0f;
      dg[H + j] = 0.0f;
      dg[2 * H + j] = 0.0f;
      dg[3 * H + j] = 0.0f;
      continue;
    }
    const float* g = gates + (long long)b * gLd;
    const float i = g[j];
    const float f = g[H + j];
    const float gg = g[2 * H + j];
    const float o = g[3 * H + j];
    const float tc = tanhf(c[(long long)b * cLd + j]);
    const float dhv = dh[(long long)b * dhLd + j];
    const float dct = dc[k] + dhv * o * (1.0f - tc * tc);
    dg[j] = dct * gg * i * (1.0f - i);
    dg[H + j] = dct * cPrev[(long long)b * cpLd + j] * f * (1.0f - f);
    dg[2 * H + j] = dct * i * (1.0f - gg * gg);
    dg[3 * H + j] = dhv * tc * o * (1.0f - o);
    dc[k] = dct * f;
  }
}

// Fused LSTM step for small batches: the recurrent product and the cell in one launch,
//   gates += hPrev · Wt, then exactly lstm_cell_forward_f32 (same formulas, padding rules, outputs).
// Reference: Backend.lstmStepForward's default (gemm, then lstmCellForward).
//   hPrev (B, H) ld hpLd; Wt = W_hh^T (H, 4H) contiguous (ld 4H); gates, bias, cPrev, c, h as above.
// Launch: grid ceil(H / 8) blocks; block 8 * B * S threads (<= 1024); KT a multiple of 32 (the k
//   tile: all of H where shared memory allows, so that every load of a step is in flight at once);
//   dynamic shared memory 4 * (roundup4(B * (KT + 1)) + 32 * KT + 32 * S * B) bytes.
//   Block x owns hidden units j0 = 8x .. 8x+7 (all four gates) for every row b; thread (jj, b, s)
//   sums the k of each tile with k % S == s, and thread s = 0 adds the S partial sums in the order
//   s = 0, 1, .. (deterministic) and applies the cell.
#define STEP_JB 8
RNN4J_EXPORT void lstm_step_forward_f32(const float* hPrev, int hpLd, const float* __restrict__ wt,
                                        float* gates, int gLd, const float* __restrict__ bias,
                                        const float* cPrev, int cpLd, float* c, int cLd, float* h,
                                        int hLd, const int* __restrict__ lengths, int t, int B,
                                        int H, int S, int KT) {
  extern __shared__ float smem[];
  float* hs = smem;                                                // [B][KT + 1]
  float4* ws = (float4*)(smem + ((B * (KT + 1) + 3) & ~3));        // [KT][JB] of (i, f, g, o)
  float4* part = ws + KT * STEP_JB;                                // [S][B][JB]
  const int tid = threadIdx.x;
  const int jj = tid % STEP_JB;
  const int b = (tid / STEP_JB) % B;
  const int s = tid / (STEP_JB * B);
  const int j0 = blockIdx.x * STEP_JB;
  const int g4 = 4 * H;
  float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
  const int nh = B * KT;
  const int nw = KT * 4 * STEP_JB;
  // The cell's operands, loaded now so that their latency hides behind the product.
  const int j = j0 + jj;
  const bool owner = s == 0 && j < H;
  float* g = gates + (long long)b * gLd;
  float pre[4] = {0.f, 0.f, 0.f, 0.f};
  float bh[4] = {0.f, 0.f, 0.f, 0.f};
  float cp = 0.f;
  bool valid = true;
  if (owner) {
#pragma unroll
    for (int q = 0; q < 4; q++) {
      pre[q] = g[q * H + j];
      bh[q] = bias[q * H + j];
    }
    cp = cPrev[(long long)b * cpLd + j];
    valid = rnn4j_valid(lengths, b, t);
  }
  for (int k0 = 0; k0 < H; k0 += KT) {
    // Asynchronous copies to shared memory (cp.async, sm_80+), all in flight at once, then one
    // wait: load-then-store loops waited for each load in turn (~20 us per step at B = 16,
    // H = 512 on an H200).
    for (int idx = tid; idx < nh; idx += blockDim.x) {
      const int bb = idx / KT;
      const int kk = idx - bb * KT;
      float* dst = hs + bb * (KT + 1) + kk;
      if (k0 + kk < H) {
        __pipeline_memcpy_async(dst, hPrev + (long long)bb * hpLd + k0 + kk, 4);
      } else {
        *dst = 0.f;
      }
    }
    for (int idx = tid; idx < nw; idx += blockDim.x) {
      const int kk = idx >> 5;  // 4 * STEP_JB == 32 entries per k
      const int q = (idx >> 3) & 3;
      const int u = idx & 7;
      float* dst = (float*)&ws[kk * STEP_JB + u] + q;
      if (k0 + kk < H && j0 + u < H) {
        __pipeline_memcpy_async(dst, wt + (long long)(k0 + kk) * g4 + q * H + j0 + u, 4);
      } else {
        *dst = 0.f;
      }
    }
    __pipeline_commit();
    __pipeline_wait_prior(0);
    __syncthreads();
    const float* hrow = hs + b * (KT + 1);
#pragma unroll 8
    for (int kk = s; kk < KT; kk += S) {
      const float hv = hrow[kk];
      const float4 w = ws[kk * STEP_JB + jj];
      acc.x = fmaf(hv, w.x, acc.x);
      acc.y = fmaf(hv, w.y, acc.y);
      acc.z = fmaf(hv, w.z, acc.z);
      acc.w = fmaf(hv, w.w, acc.w);
    }
    __syncthreads();
  }
  part[(s * B + b) * STEP_JB + jj] = acc;
  __syncthreads();
  if (!owner) return;
  float4 sum = part[b * STEP_JB + jj];
  for (int q = 1; q < S; q++) {
    const float4 p = part[(q * B + b) * STEP_JB + jj];
    sum.x += p.x;
    sum.y += p.y;
    sum.z += p.z;
    sum.w += p.w;
  }
  if (!valid) {
    c[(long long)b * cLd + j] = cp;
    h[(long long)b * hLd + j] = 0.0f;
    g[j] = 0.0f;
    g[H + j] = 0.0f;
    g[2 * H + j] = 0.0f;
    g[3 * H + j] = 0.0f;
    return;
  }
  const float i = rnn4j_sigmoid((sum.x + pre[0]) + bh[0]);
  const float f = rnn4j_sigmoid((sum.y + pre[1]) + bh[1]);
  const float gg = tanhf((sum.z + pre[2]) + bh[2]);
  const float o = rnn4j_sigmoid((sum.w + pre[3]) + bh[3]);
  const float cc = f * cp + i * gg;
  c[(long long)b * cLd + j] = cc;
  h[(long long)b * hLd + j] = o * tanhf(cc);
  g[j] = i;
  g[H + j] = f;
  g[2 * H + j] = gg;
  g[3 * H + j] = o;
}
