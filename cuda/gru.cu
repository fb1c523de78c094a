// gru.cu — fused GRU cell, one time step, forward and backward.
// Reference: ExactCells.gruForward / gruBackward (same formulas, same padding rules).
//
// Gate order (r, z, n), PyTorch's, with b_hn inside r * (.). Row-major views (pointer at offset, ld):
//   xGates (B, 3H)  x W_ih^T + b_ih          hGates (B, 3H)  h_{t-1} W_hh^T        bias (3H) b_hh
//   hPrev, h (B, H)                          saved (B, 4H)   (r, z, n, h_n + b_hn) for backward
//   dh (B, H); dxGates, dhGates (B, 3H); dhPrev (B, H)
// Forward, valid row:  r = s(x_r + h_r + b_r), z = s(x_z + h_z + b_z), hn = h_n + b_n,
//                      n = tanh(x_n + r hn), h = (1 - z) n + z hPrev.
// Forward, padding row: h = 0, saved = 0.
// Backward, valid row: dn = dh (1-z)(1-n^2); dz = dh (hPrev - n) z(1-z); dr = dn hn r(1-r);
//                      dxGates = (dr, dz, dn); dhGates = (dr, dz, dn r); dhPrev += dh z.
// Backward, padding row: dxGates = dhGates = 0, dhPrev unchanged. dxGates/dhGates are overwritten,
// dhPrev accumulates (+=).
// Launch: 1-D grid-stride over B*H elements, one thread per (b, j); any grid and block size.
#include "common.cuh"

RNN4J_EXPORT void gru_cell_forward_f32(const float* __restrict__ xGates, int xLd,
                                       const float* __restrict__ hGates, int hgLd,
                                       const float* __restrict__ bias, const float* hPrev,
                                       int hpLd, float* h, int hLd, float* saved, int sLd,
                                       const int* __restrict__ lengths, int t, int B, int H) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float* s = saved + (long long)b * sLd;
    if (!rnn4j_valid(lengths, b, t)) {
      h[(long long)b * hLd + j] = 0.0f;
      s[j] = 0.0f;
      s[H + j] = 0.0f;
      s[2 * H + j] = 0.0f;
      s[3 * H + j] = 0.0f;
      continue;
    }
    const float* xg = xGates + (long long)b * xLd;
    const float* hg = hGates + (long long)b * hgLd;
    const float r = rnn4j_sigmoid(xg[j] + hg[j] + bias[j]);
    const float z = rnn4j_sigmoid(xg[H + j] + hg[H + j] + bias[H + j]);
    const float hn = hg[2 * H + j] + bias[2 * H + j];
    const float n = tanhf(xg[2 * H + j] + r * hn);
    h[(long long)b * hLd + j] = (1.0f - z) * n + z * hPrev[(long long)b * hpLd + j];
    s[j] = r;
    s[H + j] = z;
    s[2 * H + j] = n;
    s[3 * H + j] = hn;
  }
}

RNN4J_EXPORT void gru_cell_backward_f32(const float* __restrict__ saved, int sLd,
                                        const float* __restrict__ hPrev, int hpLd,
                                        const float* __restrict__ dh, int dhLd, float* dxGates,
                                        int dxLd, float* dhGates, int dhgLd, float* dhPrev,
                                        int dpLd, const int* __restrict__ lengths, int t, int B,
                                        int H) {
  GRID_STRIDE(k, (long long)B * H) {
    const int b = (int)(k / H);
    const int j = (int)(k - (long long)b * H);
    float* dx = dxGates + (long long)b * dxLd;
    float* dhg = dhGates + (long long)b * dhgLd;
    if (!rnn4j_valid(lengths, b, t)) {
      dx[j] = 0.0f;
      dx[H + j] = 0.0f;
      dx[2 * H + j] = 0.0f;
      dhg[j] = 0.0f;
      dhg[H + j] = 0.0f;
      dhg[2 * H + j] = 0.0f;
      continue;
    }
    const float* s = saved + (long long)b * sLd;
    const float r = s[j];
    const float z = s[H + j];
    const float n = s[2 * H + j];
    const float hn = s[3 * H + j];
    const float d = dh[(long long)b * dhLd + j];
    const float dn = d * (1.0f - z) * (1.0f - n * n);
    const float dz = d * (hPrev[(long long)b * hpLd + j] - n) * z * (1.0f - z);
    const float dr = dn * hn * r * (1.0f - r);
    dx[j] = dr;
    dx[H + j] = dz;
    dx[2 * H + j] = dn;
    dhg[j] = dr;
    dhg[H + j] = dz;
    dhg[2 * H + j] = dn * r;
    dhPrev[(long long)b * dpLd + j] += d * z;
  }
}
