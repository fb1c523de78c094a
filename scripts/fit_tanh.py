#!/usr/bin/env python3
"""Fits the rational tanh approximation of src/main/java/dev/rnn4j/backend/cpu/VecCells.java.

tanh(x) ~ x * P(x^2) / Q(x^2) on [0, 9], P = p0 + p1 s + ... + p4 s^4, Q = 1 + q1 s + ... + q4 s^4
(s = x^2; tanh is odd, so the fit on [0, 9] covers [-9, 9]; beyond 9 tanh rounds to +-1 in float).
Method: linearised least squares x P(s) - t Q(s) = 0, iteratively reweighted by 1 / (t Q(s)) so
that the residual approximates the relative error (Loeb's iteration). Prints the coefficients and
the maximum relative error and ulp error of the float32 evaluation (Horner, as the Java code does).

Usage: python3 scripts/fit_tanh.py      (needs numpy)
"""
import numpy as np

CLAMP = 9.0
NP, NQ = 5, 4  # coefficients of P; degree of Q (in s)


def fit():
    x = np.concatenate([np.linspace(1e-4, 1, 4000), np.linspace(1, CLAMP, 8000)])
    t = np.tanh(x)
    s = x * x
    w = 1 / t
    for _ in range(30):
        a = np.hstack([np.stack([x * s**k for k in range(NP)], 1),
                       np.stack([-t * s**k for k in range(1, NQ + 1)], 1)])
        sol, *_ = np.linalg.lstsq(a * w[:, None], t * w, rcond=None)
        p, q = sol[:NP], np.concatenate([[1.0], sol[NP:]])
        w = 1 / (t * np.abs(np.polyval(q[::-1], s)))
    return p, q


def eval_f32(p, q, xs):
    xs = np.float32(xs)
    s = xs * xs
    pv = np.float32(p[-1])
    for c in p[-2::-1]:
        pv = np.float32(pv * s + np.float32(c))
    qv = np.float32(q[-1])
    for c in q[-2::-1]:
        qv = np.float32(qv * s + np.float32(c))
    return np.clip(np.float32(xs * pv / qv), -1, 1)


def main():
    p, q = fit()
    xs = np.float32(np.concatenate([np.linspace(0, CLAMP, 200001), np.logspace(-8, 0, 20001)]))
    y = eval_f32(p, q, xs)
    ref = np.tanh(xs.astype(np.float64))
    nz = xs > 0
    rel = np.abs(y[nz] - ref[nz]) / ref[nz]
    ulp = np.abs(y - ref) / np.spacing(np.float32(ref)).astype(np.float64)
    for i, c in enumerate(p):
        print(f"P{i} = {c:.17e}")
    for i, c in enumerate(q[1:], 1):
        print(f"Q{i} = {c:.17e}")
    print(f"max relative error {rel.max():.3g}, max {ulp.max():.2f} ulp (float32 evaluation)")


if __name__ == "__main__":
    main()
