// rnn.cu — fused Elman RNN cell (tanh or relu), one time step, forward and backward.
// Reference: ExactCells.rnnForward / rnnBackward.
//
// Row-major views (pointer at offset, ld): pre (B, H) = x W_ih^T + b_ih + h_{t-1} W_hh^T;
// bias (H) = b_hh; h (B, H); dh, dPre (B, H).  act: 0 = tanh, 1 = relu.
// Forward:  h = act(pre + b_hh) on valid rows, 0 on padding rows (t >= lengths[b]).
// Backward: dPre = dh * act'(h) on valid rows (tanh' = 1 - h^2, relu' = h > 0), 0 on padding rows;
//           dPre may alias dh (each element is read before it is written by the same thread).
// Launch: 1-D grid-stride over B*H elements, one thread per (b, j); any grid and block size.
#include "common.cuh"

RNN4J_EXPORT void rnn_cell_forward_f32(const float* pre, int preLd, const float* __restrict__ bias,
                                       float* h, int hLd, const int* __restrict__ lengths, int t,
                                       int B, int H, int act) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float v = 0.0f;
    if (rnn4j_valid(lengths, b, t)) {
      const float a = pre[(long long)b * preLd + j] + bias[j];
      v = act == 0 ? tanhf(a) : (a < 0.0f ? 0.0f : a);  // NaN stays NaN, as Math.max
    }
    h[(long long)b * hLd + j] = v;
  }
}

RNN4J_EXPORT void rnn_cell_backward_f32(const float* __restrict__ h, int hLd, const float* dh,
                                        int dhLd, float* dPre, int dpLd,
                                        const int* __restrict__ lengths, int t, int B, int H,
                                        int act) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float v = 0.0f;
    if (rnn4j_valid(lengths, b, t)) {
      const float y = h[(long long)b * hLd + j];
      const float d = act == 0 ? 1.0f - y * y : (y > 0.0f ? 1.0f : 0.0f);
      v = dh[(long long)b * dhLd + j] * d;
    }
    dPre[(long long)b * dpLd + j] = v;
  }
}
