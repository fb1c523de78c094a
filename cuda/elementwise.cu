// elementwise.cu — elementwise maps, strided 2-D copies and fills, bias rows, column sums, and the
// sequence helpers (reverse, last step, key masks).  Reference: CpuElementwise, methods of the
// same names.  Whole tensors are flat arrays of n elements; views are (pointer at offset, rows,
// cols, ld).
// Every output is overwritten unless the name or comment says it accumulates.
// Launch: 1-D grid-stride loops, any grid and block size, except sum_rows_f32 (see there).
#include "common.cuh"

// y = alpha x + beta y (beta == 0: y is not read).
RNN4J_EXPORT void axpby_f32(long long n, float alpha, const float* x, float beta, float* y) {
  GRID_STRIDE(k, n) { y[k] = alpha * x[k] + (beta == 0.0f ? 0.0f : beta * y[k]); }
}

// out = a * b; out may alias a or b.
RNN4J_EXPORT void mul_f32(long long n, const float* a, const float* b, float* out) {
  GRID_STRIDE(k, n) { out[k] = a[k] * b[k]; }
}

// x = alpha x.
RNN4J_EXPORT void scale_f32(long long n, float* x, float alpha) {
  GRID_STRIDE(k, n) { x[k] = alpha * x[k]; }
}

// y = tanh(x); x and y may alias.
RNN4J_EXPORT void tanh_f32(long long n, const float* x, float* y) {
  GRID_STRIDE(k, n) { y[k] = tanhf(x[k]); }
}

// dx = beta dx + dy (1 - y^2) (beta == 0: dx is not read).
RNN4J_EXPORT void tanh_backward_f32(long long n, const float* y, const float* dy, float* dx,
                                    float beta) {
  GRID_STRIDE(k, n) {
    const float v = y[k];
    const float g = dy[k] * (1.0f - v * v);
    dx[k] = beta == 0.0f ? g : beta * dx[k] + g;
  }
}

// dst[r, c] = src[r, c] over (rows, cols) views; 4-byte elements of either type.
RNN4J_EXPORT void copy2d_f32(const float* src, int sLd, float* dst, int dLd, int rows, int cols) {
  GRID_STRIDE(k, (long long)rows * cols) {
    const long long r = k / cols;
    const long long c = k - r * cols;
    dst[r * dLd + c] = src[r * sLd + c];
  }
}

// dst[c, r] = src[r, c]: src a (rows, cols) view, dst a (cols, rows) view.  32x32 tiles through
// shared memory (padded against bank conflicts); launch with blockDim (32, 8) and a 2-D grid of
// tiles (x over column tiles, y over row tiles), grid-strided so any size works.
RNN4J_EXPORT void transpose_f32(const float* src, int sLd, float* dst, int dLd, int rows,
                                int cols) {
  __shared__ float tile[32][33];
  for (int r0 = blockIdx.y * 32; r0 < rows; r0 += gridDim.y * 32) {
    for (int c0 = blockIdx.x * 32; c0 < cols; c0 += gridDim.x * 32) {
      for (int i = threadIdx.y; i < 32; i += blockDim.y) {
        const int r = r0 + i;
        const int c = c0 + threadIdx.x;
        if (r < rows && c < cols) tile[i][threadIdx.x] = src[(long long)r * sLd + c];
      }
      __syncthreads();
      for (int i = threadIdx.y; i < 32; i += blockDim.y) {
        const int c = c0 + i;
        const int r = r0 + threadIdx.x;
        if (r < rows && c < cols) dst[(long long)c * dLd + r] = tile[threadIdx.x][i];
      }
      __syncthreads();
    }
  }
}

// x[r, c] = value over a (rows, cols) view.
RNN4J_EXPORT void fill2d_f32(float* x, int ld, int rows, int cols, float value) {
  GRID_STRIDE(k, (long long)rows * cols) {
    const long long r = k / cols;
    const long long c = k - r * cols;
    x[r * ld + c] = value;
  }
}

// m[r, c] += bias[c] over a (rows, cols) view.
RNN4J_EXPORT void add_row_vector_f32(float* m, int ld, int rows, int cols,
                                     const float* __restrict__ bias) {
  GRID_STRIDE(k, (long long)rows * cols) {
    const long long r = k / cols;
    const long long c = k - r * cols;
    m[r * ld + c] += bias[c];
  }
}

// out[c] = beta out[c] + sum_r m[r, c], accumulated in double (beta == 0: out is not read).
// Launch: blockDim (32, Y) with Y * 32 <= 1024, grid.x = ceil(cols / 32) (any grid.x works: the
// column tiles are grid-strided), shared memory 32 * Y doubles.  Each block owns 32 columns; its Y
// thread rows stride over the matrix rows, then reduce through shared memory.  Deterministic.
RNN4J_EXPORT void sum_rows_f32(const float* __restrict__ m, int ld, int rows, int cols,
                               float* out, float beta) {
  extern __shared__ double part[];  // [Y][32]
  for (int c0 = blockIdx.x * 32; c0 < cols; c0 += gridDim.x * 32) {
    const int c = c0 + threadIdx.x;
    double acc = 0.0;
    if (c < cols) {
      for (int r = threadIdx.y; r < rows; r += blockDim.y) acc += m[(long long)r * ld + c];
    }
    part[threadIdx.y * 32 + threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
      double s = 0.0;
      for (int y = 0; y < blockDim.y; y++) s += part[y * 32 + threadIdx.x];
      out[c] = (float)(s + (beta == 0.0f ? 0.0 : (double)beta * out[c]));
    }
    __syncthreads();
  }
}

// dst[b, t] = src[b, len_b - 1 - t] for t < len_b, 0 for padding.  src, dst (B, T, F), distinct.
RNN4J_EXPORT void reverse_sequences_f32(const float* __restrict__ src, float* __restrict__ dst,
                                        const int* __restrict__ lengths, int B, int T, int F) {
  GRID_STRIDE(k, (long long)B * T * F) {
    const long long bt = k / F;
    const int f = (int)(k - bt * F);
    const int b = (int)(bt / T);
    const int t = (int)(bt - (long long)b * T);
    const int len = lengths == nullptr ? T : lengths[b];
    dst[k] = t < len ? src[((long long)b * T + (len - 1 - t)) * F + f] : 0.0f;
  }
}

// out[b, f] = seq[b, len_b - 1, f].  seq (B, T, F), out (B, F).
RNN4J_EXPORT void gather_last_step_f32(const float* __restrict__ seq,
                                       const int* __restrict__ lengths, float* __restrict__ out,
                                       int B, int T, int F) {
  GRID_STRIDE(k, (long long)B * F) {
    const int b = (int)(k / F);
    const int f = (int)(k - (long long)b * F);
    const int len = lengths == nullptr ? T : lengths[b];
    out[k] = seq[((long long)b * T + len - 1) * F + f];
  }
}

// seq[b, len_b - 1, f] += x[b, f] (accumulates).  seq (B, T, F), x (B, F).
RNN4J_EXPORT void scatter_add_last_step_f32(const float* __restrict__ x,
                                            const int* __restrict__ lengths, float* seq, int B,
                                            int T, int F) {
  GRID_STRIDE(k, (long long)B * F) {
    const int b = (int)(k / F);
    const int f = (int)(k - (long long)b * F);
    const int len = lengths == nullptr ? T : lengths[b];
    seq[((long long)b * T + len - 1) * F + f] += x[k];
  }
}

// scores[b, q, s] = value for s >= lengths[b].  scores (B, Q, S); lengths required.
RNN4J_EXPORT void mask_keys_f32(float* scores, const int* __restrict__ lengths, int B, int Q, int S,
                                float value) {
  GRID_STRIDE(k, (long long)B * Q * S) {
    const long long bq = k / S;
    const int s = (int)(k - bq * S);
    const int b = (int)(bq / Q);
    if (s >= lengths[b]) scores[k] = value;
  }
}
