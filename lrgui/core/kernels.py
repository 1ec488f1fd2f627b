"""The hot loops of the model: loss, gradient and error count in one pass over the data.

The data are stored once as a *signed design*: column i is bᵢ = sᵢ (1, fᵢ) with sᵢ = 1 − 2yᵢ,
feature-major (k × n, C order). With the margin mᵢ = θ·bᵢ = sᵢ zᵢ both classes look alike:

    cross-entropy term   log(1 + e^(mᵢ))                   (= log(1 + e^z) − y z)
    σ(zᵢ) − yᵢ           sᵢ σ(mᵢ)   so   ∇ = Σ σ(mᵢ) bᵢ     (no label arithmetic per point)
    misclassified        mᵢ > 0, or mᵢ = 0 for class 0        (prediction: class 1 iff z ≥ 0)

σ(m) is computed sign-split as e^(min(m, 0)) / (1 + e^(−|m|)) and log(1 + e^m) as
max(m, 0) + log1p(e^(−|m|)), so no finite θ overflows or produces NaN.

Rows are processed in cache-sized chunks, split over a small thread pool (numpy releases the GIL
inside its loops); a few thousand rows or less run inline.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNK = 32_768
_THREADS = max(1, min(4, os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()

# Class-0 points with m = 0 count as errors: m > −5e-324 is m ≥ 0 exactly.
_TIE_CLASS0 = -np.nextafter(0.0, 1.0)


class SignedDesign:
    """The training rows in the signed, feature-major layout described above.

    ``features`` is (n, k − 1) (the bias column is added here), ``y`` (n,) in {0, 1},
    ``weights`` (n,) per-sample weights sᵢ of the cost, or None for all ones.
    """

    def __init__(self, features: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None):
        n = len(y)
        sign = 1.0 - 2.0 * np.asarray(y, dtype=np.float64)
        self.B = np.empty((features.shape[1] + 1, n))
        self.B[0] = sign
        np.multiply(np.asarray(features, dtype=np.float64).T, sign, out=self.B[1:])
        self.tau = np.where(sign > 0, _TIE_CLASS0, 0.0)
        self.y = np.asarray(y, dtype=np.float64)
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)

    @classmethod
    def _raw(cls, B, tau, y, weights) -> "SignedDesign":
        self = cls.__new__(cls)
        self.B, self.tau, self.y, self.weights = B, tau, y, weights
        return self

    @property
    def n(self) -> int:
        return self.B.shape[1]

    @property
    def k(self) -> int:
        return self.B.shape[0]

    def take(self, rows: np.ndarray) -> "SignedDesign":
        """The rows ``rows`` (index array) as a new design (a copy)."""
        w = None if self.weights is None else self.weights[rows]
        return SignedDesign._raw(np.ascontiguousarray(self.B[:, rows]), self.tau[rows], self.y[rows], w)

    def margins(self, theta: np.ndarray) -> np.ndarray:
        """m = sign ∘ z, shape (n,)."""
        return np.dot(theta, self.B)


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="lrgui-kernel")
        return _pool


def _buffers(count: int) -> list[np.ndarray]:
    """``count`` scratch vectors of CHUNK floats, reused by the calling thread."""
    bufs = getattr(_local, "bufs", None)
    if bufs is None or len(bufs) < count or bufs[0].size < CHUNK:
        bufs = _local.bufs = [np.empty(CHUNK) for _ in range(count)]
    return bufs


def _over_chunks(n: int, body, init):
    """Sum ``body(lo, hi, err)`` (a tuple of numbers/arrays) over chunks of [0, n).

    Work is split into one contiguous part per thread. The caller's floating-point error
    settings apply in every thread, except that underflow (e^(−|m|) rounding to 0) is exact.
    """
    err = np.geterr()
    err["under"] = "ignore"

    def part(lo: int, hi: int):
        total = [np.array(v, dtype=np.float64) for v in init]
        with np.errstate(**err):
            for a in range(lo, hi, CHUNK):
                for t, v in zip(total, body(a, min(a + CHUNK, hi))):
                    t += v
        return total

    parts = min(_THREADS, -(-n // CHUNK))
    if parts <= 1:
        return part(0, n)
    edges = np.linspace(0, n, parts + 1).astype(int)
    results = list(_get_pool().map(part, edges[:-1], edges[1:]))
    return [sum(r[i] for r in results) for i in range(len(init))]


def _sigmoid_parts(m: np.ndarray, num: np.ndarray, e: np.ndarray, zero: np.ndarray) -> None:
    """In place: num ← σ(m) (sign-split), e ← e^(−|m|). Buffers have m's length."""
    np.minimum(m, zero, out=num)
    np.exp(num, out=num)
    np.abs(m, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)


def cross_entropy_sums(theta: np.ndarray, D: SignedDesign) -> tuple[float, np.ndarray, float]:
    """(Σ sᵢ log(1 + e^(mᵢ)), Σ sᵢ σ(mᵢ) bᵢ (k,), number misclassified) at θ (k,)."""
    theta = np.asarray(theta, dtype=np.float64)
    B, tau, w = D.B, D.tau, D.weights

    def body(a: int, b: int):
        L = b - a
        m, num, e, u = (v[:L] for v in _buffers(4))
        zero = _zeros(L)
        Bc = B[:, a:b]
        np.dot(theta, Bc, out=m)
        wrong = np.count_nonzero(np.greater(m, tau[a:b]))
        _sigmoid_parts(m, num, e, zero)
        np.maximum(m, zero, out=m)                     # m ← max(m, 0)
        np.add(e, 1.0, out=u)
        np.divide(num, u, out=num)                     # num ← σ(m)
        np.log1p(e, out=e)
        if w is None:
            loss = m.sum() + e.sum()
        else:
            wc = w[a:b]
            loss = np.dot(wc, m) + np.dot(wc, e)
            np.multiply(num, wc, out=num)
        return loss, np.dot(Bc, num), wrong

    loss, grad, wrong = _over_chunks(D.n, body, (0.0, np.zeros(D.k), 0.0))
    return float(loss), grad, float(wrong)


def squared_error_sums(theta: np.ndarray, D: SignedDesign) -> tuple[float, np.ndarray, float]:
    """(Σ ½ sᵢ (pᵢ − yᵢ)², its gradient sum (k,), number misclassified) at θ (k,).

    (p − y)² = σ(m)², and d/dm ½σ(m)² = σ(m)² σ(−m); both σ's are taken sign-split.
    """
    theta = np.asarray(theta, dtype=np.float64)
    B, tau, w = D.B, D.tau, D.weights

    def body(a: int, b: int):
        L = b - a
        m, num, e, c = (v[:L] for v in _buffers(4))
        zero = _zeros(L)
        Bc = B[:, a:b]
        np.dot(theta, Bc, out=m)
        wrong = np.count_nonzero(np.greater(m, tau[a:b]))
        _sigmoid_parts(m, num, e, zero)
        np.maximum(m, zero, out=c)
        np.negative(c, out=c)
        np.exp(c, out=c)                               # e^(min(−m, 0))
        np.add(e, 1.0, out=e)
        np.divide(num, e, out=num)                     # σ(m)
        np.divide(c, e, out=c)                         # σ(−m)
        np.square(num, out=m)                          # σ(m)² = (p − y)²
        if w is not None:
            np.multiply(m, w[a:b], out=m)
        loss = 0.5 * m.sum()
        np.multiply(m, c, out=m)
        return loss, np.dot(Bc, m), wrong

    loss, grad, wrong = _over_chunks(D.n, body, (0.0, np.zeros(D.k), 0.0))
    return float(loss), grad, float(wrong)


def curvature_weights(theta: np.ndarray, D: SignedDesign) -> np.ndarray:
    """hᵢ = sᵢ pᵢ (1 − pᵢ) = sᵢ e^(−|m|) / (1 + e^(−|m|))², shape (n,): the cross-entropy Hessian
    is (1/n) Σ hᵢ bᵢ bᵢᵀ (signs cancel in bᵢ bᵢᵀ)."""
    m = D.margins(theta)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(m))
        h = e / (1.0 + e) ** 2
    return h if D.weights is None else h * D.weights


def _zeros(length: int) -> np.ndarray:
    z = getattr(_local, "zeros", None)
    if z is None or z.size < CHUNK:
        z = _local.zeros = np.zeros(CHUNK)
    return z[:length]
