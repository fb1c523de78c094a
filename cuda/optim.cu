// optim.cu — fused optimiser steps over flat parameter tensors.  Reference: CpuElementwise.adam /
// sgd, looping in VecOps (same float formulas; the host computes the bias corrections in double,
// as the CPU does, and passes them in).
//
// Adam / AdamW: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
//   w = w - stepSize m / (sqrt(v) invSqrtBc2 + eps) - lr wd w,
//   stepSize = lr / (1 - b1^step), invSqrtBc2 = 1 / sqrt(1 - b2^step).
// SGD with momentum: d = g, or with mu != 0: buf = mu buf + g, d = buf; w = w - lr d.
// Launch: 1-D grid-stride over n; any grid and block size.
#include "common.cuh"

RNN4J_EXPORT void adam_update_f32(float* __restrict__ w, const float* __restrict__ g,
                                  float* __restrict__ m, float* __restrict__ v, long long n,
                                  float lr, float beta1, float beta2, float eps,
                                  float weightDecay, float stepSize, float invSqrtBc2) {
  GRID_STRIDE(k, n) {
    const float gk = g[k];
    const float mk = beta1 * m[k] + (1.0f - beta1) * gk;
    const float vk = beta2 * v[k] + (1.0f - beta2) * gk * gk;
    m[k] = mk;
    v[k] = vk;
    const float wk = w[k];
    const float denom = sqrtf(vk) * invSqrtBc2 + eps;
    w[k] = wk - stepSize * mk / denom - lr * weightDecay * wk;
  }
}

// buf is not touched (and may be NULL) when momentum == 0.
RNN4J_EXPORT void sgd_update_f32(float* __restrict__ w, const float* __restrict__ g, float* buf,
                                 long long n, float lr, float momentum) {
  GRID_STRIDE(k, n) {
    float d = g[k];
    if (momentum != 0.0f) {
      d = momentum * buf[k] + d;
      buf[k] = d;
    }
    w[k] = w[k] - lr * d;
  }
}
