// lstm.cu — fused LSTM cell, one time step, forward and backward.
// Reference: ExactCells.lstmForward / lstmBackward (same names, same formulas, same padding rules).
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

// The cell's epilogue for output (b, j), shared by lstm_cell_forward_f32 and lstm_step_forward_f32:
// from the pre-activations (b_hh included) and c_{t-1} = cp, writes c_t, h_t and the activated
// gates; g is row b of gates (gate q at g[q * H + j]), c and h are the whole (B, H) views. pre(q)
// returns gate q's pre-activation; it is called once per gate, in the order i, f, g, o, just before
// that gate's nonlinearity, so a kernel that loads the pre-activation in pre loads it there.
template <typename Pre>
__device__ __forceinline__ void lstm_cell_epilogue(Pre pre, float cp, float* c, int cLd, float* h,
                                                   int hLd, float* g, int b, int H, int j) {
  const float i = rnn4j_sigmoid(pre(0));
  const float f = rnn4j_sigmoid(pre(1));
  const float gg = tanhf(pre(2));
  const float o = rnn4j_sigmoid(pre(3));
  const float cc = f * cp + i * gg;
  c[(long long)b * cLd + j] = cc;
  h[(long long)b * hLd + j] = o * tanhf(cc);
  g[j] = i;
  g[H + j] = f;
  g[2 * H + j] = gg;
  g[3 * H + j] = o;
}

// The same for a padding row (t >= lengths[b]): c_t = c_{t-1} (carried), h_t = 0, gates = 0.
__device__ __forceinline__ void lstm_cell_padding(float cp, float* c, int cLd, float* h, int hLd,
                                                  float* g, int b, int H, int j) {
  c[(long long)b * cLd + j] = cp;
  h[(long long)b * hLd + j] = 0.0f;
  g[j] = 0.0f;
  g[H + j] = 0.0f;
  g[2 * H + j] = 0.0f;
  g[3 * H + j] = 0.0f;
}

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
      lstm_cell_padding(cp, c, cLd, h, hLd, g, b, H, j);
      continue;
    }
    lstm_cell_epilogue([&](int q) { return g[q * H + j] + bias[q * H + j]; }, cp, c, cLd, h, hLd,
                       g, b, H, j);
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
//   gates += hPrev · Wt, then exactly lstm_cell_forward_f32 (the same lstm_cell_epilogue and
//   lstm_cell_padding, so the same formulas, padding rules and outputs).
// Reference: Backend.lstmStepForward's default (gemm, then lstmCellForward).
//   hPrev (B, H) ld hpLd; Wt = W_hh^T (H, 4H) contiguous (ld 4H); gates, bias, cPrev, c, h as above.
// Launch: grid ceil(H / 8) blocks of 512 threads; dynamic shared memory 4 * (B * H + 512 * B)
//   bytes (hPrev and the per-warp partial sums); B <= 32.
// Block x owns hidden units j0 = 8x .. 8x+7, all four gates. Thread (jj = tid % 8, s = tid / 8)
// holds W_hh^T for its unit and 8 consecutive k of each 512-wide chunk of k in registers and
// multiplies them with every row of hPrev (read from shared memory as broadcasts), so each weight
// is loaded once per step and each shared-memory read feeds four FMAs. The four k-slices of a warp
// are summed with shuffles, the 16 warps' sums in order w = 0..15 (deterministic), then the cell.
// (ncu on an H100: the previous layout, one (unit, row) per thread with W in shared memory, was
// bound by shared-memory wavefronts, ~19 us per step at B = 16, H = 512.)
#define STEP_JB 8
#define STEP_KPT 8
#define STEP_ROWS 16
RNN4J_EXPORT __launch_bounds__(512, 1) void lstm_step_forward_f32(
    const float* hPrev, int hpLd, const float* __restrict__ wt, float* gates, int gLd,
    const float* __restrict__ bias, const float* cPrev, int cpLd, float* c, int cLd, float* h,
    int hLd, const int* __restrict__ lengths, int t, int B, int H) {
  extern __shared__ float smem[];
  float* hs = smem;                      // [B][H]
  float4* part = (float4*)(smem + ((B * H + 3) & ~3));  // [16 warps][B][JB]
  const int tid = threadIdx.x;
  const int jj = tid & 7;
  const int s = tid >> 3;                // 0..63: k slice within a 512-wide chunk
  const int warp = tid >> 5;
  const int j0 = blockIdx.x * STEP_JB;
  const int g4 = 4 * H;
  // The cell's operands for output (b, unit) = (tid / 8, tid % 8), loaded early.
  const int ob = tid >> 3;
  const int oj = j0 + jj;
  const bool owner = ob < B && oj < H;
  float pre[4] = {0.f, 0.f, 0.f, 0.f};
  float bh[4] = {0.f, 0.f, 0.f, 0.f};
  float cp = 0.f;
  bool valid = true;
  if (owner) {
    const float* g = gates + (long long)ob * gLd;
#pragma unroll
    for (int q = 0; q < 4; q++) {
      pre[q] = g[q * H + oj];
      bh[q] = bias[q * H + oj];
    }
    cp = cPrev[(long long)ob * cpLd + oj];
    valid = rnn4j_valid(lengths, ob, t);
  }
  // hPrev to shared memory: asynchronous copies (cp.async, sm_80+), all in flight, one wait.
  for (int b = 0; b < B; b++) {
    for (int k = tid; k < H; k += blockDim.x) {
      __pipeline_memcpy_async(hs + b * H + k, hPrev + (long long)b * hpLd + k, 4);
    }
  }
  __pipeline_commit();
  const int j = j0 + jj;
  for (int c0 = 0; c0 < H; c0 += 64 * STEP_KPT) {
    const int kb = c0 + s * STEP_KPT;
    float w[STEP_KPT][4];
#pragma unroll
    for (int kk = 0; kk < STEP_KPT; kk++) {
#pragma unroll
      for (int q = 0; q < 4; q++) {
        w[kk][q] = (kb + kk < H && j < H) ? wt[(long long)(kb + kk) * g4 + q * H + j] : 0.f;
      }
    }
    if (c0 == 0) {
      __pipeline_wait_prior(0);
      __syncthreads();
    }
    for (int r0 = 0; r0 < B; r0 += STEP_ROWS) {
      float acc[STEP_ROWS][4];
#pragma unroll
      for (int r = 0; r < STEP_ROWS; r++) {
        acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = 0.f;
        if (r0 + r < B) {
          const float* hrow = hs + (r0 + r) * H + kb;
#pragma unroll
          for (int kk = 0; kk < STEP_KPT; kk++) {
            const float hv = kb + kk < H ? hrow[kk] : 0.f;
            acc[r][0] = fmaf(hv, w[kk][0], acc[r][0]);
            acc[r][1] = fmaf(hv, w[kk][1], acc[r][1]);
            acc[r][2] = fmaf(hv, w[kk][2], acc[r][2]);
            acc[r][3] = fmaf(hv, w[kk][3], acc[r][3]);
          }
        }
      }
      // Sum the warp's four k slices (lanes jj, jj + 8, jj + 16, jj + 24).
#pragma unroll
      for (int r = 0; r < STEP_ROWS; r++) {
#pragma unroll
        for (int q = 0; q < 4; q++) {
          float v = acc[r][q];
          v += __shfl_xor_sync(0xffffffffu, v, 8);
          v += __shfl_xor_sync(0xffffffffu, v, 16);
          acc[r][q] = v;
        }
      }
      if ((tid & 31) < STEP_JB) {
#pragma unroll
        for (int r = 0; r < STEP_ROWS; r++) {
          if (r0 + r < B) {
            float4* dst = &part[(warp * B + r0 + r) * STEP_JB + jj];
            const float4 v = make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
            if (c0 == 0) {
              *dst = v;
            } else {
              float4 o = *dst;
              *dst = make_float4(o.x + v.x, o.y + v.y, o.z + v.z, o.w + v.w);
            }
          }
        }
      }
    }
  }
  __syncthreads();
  if (!owner) return;
  float4 sum = part[ob * STEP_JB + jj];
  for (int q = 1; q < 16; q++) {
    const float4 p = part[(q * B + ob) * STEP_JB + jj];
    sum.x += p.x;
    sum.y += p.y;
    sum.z += p.z;
    sum.w += p.w;
  }
  float* g = gates + (long long)ob * gLd;
  if (!valid) {
    lstm_cell_padding(cp, c, cLd, h, hLd, g, ob, H, oj);
    return;
  }
  const float dot[4] = {sum.x, sum.y, sum.z, sum.w};
  lstm_cell_epilogue([&](int q) { return (dot[q] + pre[q]) + bh[q]; }, cp, c, cLd, h, hLd, g, ob,
                     H, oj);
}
