"""The hot loops of the model: loss, gradient and error count in one pass over the data.

The data are stored once as a *signed design*: row i is bᵢ = sᵢ (1, fᵢ) with sᵢ = 1 − 2yᵢ, and
the rows of class 0 (sᵢ = +1) come first. With the margin mᵢ = θ·bᵢ = sᵢ zᵢ both classes look
alike:

    cross-entropy term   log(1 + e^(mᵢ))                   (= log(1 + e^z) − y z)
    σ(zᵢ) − yᵢ           sᵢ σ(mᵢ)   so   ∇ = Σ σ(mᵢ) bᵢ     (no label arithmetic per point)
    misclassified        mᵢ > 0, or mᵢ = 0 for class 0        (prediction: class 1 iff z ≥ 0)

Only the signed features sᵢ fᵢ are stored (n × (k − 1), C order, so a chunk of rows is one
contiguous block for both passes over it): the bias column is +1 for the first ``n0`` rows and −1
after, so the bias enters as ±θ₀ per block and its gradient as a difference of two sums.

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

CHUNK = 65_536
_THREADS = max(1, min(4, os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


class SignedDesign:
    """The training rows in the signed layout described above, class 0 first.

    ``features`` is (n, k − 1) (no bias column), ``y`` (n,) in {0, 1}, ``weights`` (n,)
    per-sample weights sᵢ of the cost, or None for all ones. The rows are reordered (stably) by
    class; the cost does not depend on their order.
    """

    def __init__(self, features: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None):
        y = np.asarray(y, dtype=np.float64)
        weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self._set(np.asarray(features, dtype=np.float64), y, weights)

    def _set(self, features: np.ndarray, y: np.ndarray, weights) -> None:
        """Store the rows class 0 first, signed. ``position[i]`` is where the caller's row i went."""
        order = np.argsort(y, kind="stable")
        self.position = np.empty(len(y), dtype=np.intp)
        self.position[order] = np.arange(len(y))
        self.y = y[order]
        self.n0 = int(np.count_nonzero(self.y == 0))
        self.F = features[order]                           # a copy, signed in place
        self.F[self.n0:] *= -1.0
        self.weights = None if weights is None else weights[order]

    @property
    def n(self) -> int:
        return self.F.shape[0]

    @property
    def k(self) -> int:
        return self.F.shape[1] + 1

    @property
    def B(self) -> np.ndarray:
        """The signed rows with their bias column, (n, k) (a new array: for second-order work)."""
        return self.signed_rows(np.arange(self.n))

    def signed_rows(self, rows: np.ndarray) -> np.ndarray:
        """The signed rows ``rows`` with their bias column, (len(rows), k)."""
        return np.column_stack([np.where(rows < self.n0, 1.0, -1.0), self.F[rows]])

    def take(self, rows: np.ndarray) -> "SignedDesign":
        """The caller's rows ``rows`` (indices as given to the constructor) as a new design."""
        inner = self.position[np.asarray(rows)]
        features = self.F[inner]
        features[inner >= self.n0] *= -1.0                 # unsigned again; _set signs them
        out = SignedDesign.__new__(SignedDesign)
        out._set(features, self.y[inner], None if self.weights is None else self.weights[inner])
        return out

    def margins(self, theta: np.ndarray) -> np.ndarray:
        """m = sign ∘ z, shape (n,)."""
        m = np.dot(self.F, theta[1:])
        m[: self.n0] += theta[0]
        m[self.n0:] -= theta[0]
        return m


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_THREADS - 1, thread_name_prefix="lrgui-kernel")
        return _pool


class _Scratch:
    """Per-thread scratch vectors of CHUNK entries, reused across calls."""

    def __init__(self):
        self.m, self.e, self.num, self.mask = (np.empty(CHUNK) for _ in range(4))
        self.bool_mask = np.empty(CHUNK, dtype=bool)

    def views(self, length: int):
        return self.m[:length], self.e[:length], self.num[:length], self.mask[:length], self.bool_mask[:length]


def _scratch() -> _Scratch:
    s = getattr(_local, "scratch", None)
    if s is None or s.m.size != CHUNK:
        s = _local.scratch = _Scratch()
    return s


def _over_chunks(n: int, body, init):
    """Sum ``body(lo, hi)`` (a tuple of numbers/arrays) over the chunks [0, CHUNK), [CHUNK,
    2 CHUNK) … of [0, n), starting from ``init``.

    The chunks are split into one contiguous run per core (the calling thread does the first),
    and their sums are added in chunk order whatever the number of cores: a result is the same
    to the last bit on every machine (a sweep's runs on a cluster equal a run on a laptop). The
    caller's floating-point error settings apply in every thread, except that underflow
    (e^(−|m|) rounding to 0) is exact, not an error.
    """
    err = np.geterr()
    err["under"] = "ignore"
    chunks = -(-n // CHUNK)
    if chunks <= 1:                    # small data: one chunk, no thread, no sums to add
        with np.errstate(**err):
            parts = body(0, n) if n else init
            return [np.array(t, dtype=np.float64) + v for t, v in zip(init, parts)]

    def sums(first: int, last: int):
        with np.errstate(**err):
            return [body(c * CHUNK, min((c + 1) * CHUNK, n)) for c in range(first, last)]

    parts = min(_THREADS, chunks)
    if parts <= 1:
        results = sums(0, chunks)
    else:
        edges = np.linspace(0, chunks, parts + 1).astype(int)
        with _single_threaded_blas:
            others = [_get_pool().submit(sums, lo, hi) for lo, hi in zip(edges[1:-1], edges[2:])]
            results = sums(edges[0], edges[1])
            for f in others:
                results += f.result()
    total = [np.array(v, dtype=np.float64) for v in init]
    with np.errstate(**err):
        for chunk in results:
            for t, v in zip(total, chunk):
                t += v
    return total


class _SingleThreadedBlas:
    """Our threads already fill the cores, and BLAS threads on top of them only contend. BLAS is
    held to one thread while any parallel kernel runs (counted, since several threads may run
    kernels at once) and given back its own setting when the last one ends."""

    def __init__(self):
        self._users = 0
        self._lock = threading.Lock()
        self._controller = None          # a threadpoolctl.ThreadpoolController, made on first use (it scans libraries)
        self._limiter = None

    def __enter__(self):
        with self._lock:
            if self._users == 0:
                if self._controller is None:
                    from threadpoolctl import ThreadpoolController

                    self._controller = ThreadpoolController()
                self._limiter = self._controller.limit(limits=1, user_api="blas")
            self._users += 1

    def __exit__(self, *exc):
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._limiter.restore_original_limits()
                self._limiter = None


_single_threaded_blas = _SingleThreadedBlas()


def _margins_and_numerators(theta, Fc, class0: int, scratch: _Scratch):
    """The start both losses share, for one chunk of signed rows ``Fc`` (L, k − 1) whose first
    ``class0`` rows are of class 0.

    Returns (wrong, m, e, num, mask): m = θ·b (L,), mask 1.0 where the point is misclassified
    (m > 0, or m = 0 for class 0) else 0.0, e = e^(−|m|), num = the sign-split numerator of σ(m):
    1 for m > 0 and e for m < 0 (at m = 0, e = 1, so either is right); σ(m) = num / (1 + e).
    """
    m, e, num, mask, bool_mask = scratch.views(Fc.shape[0])
    np.dot(Fc, theta[1:], out=m)
    zero, one = m[:class0], m[class0:]
    if len(zero):
        zero += theta[0]
        np.greater_equal(zero, 0.0, out=bool_mask[:class0])
    if len(one):
        one -= theta[0]
        np.greater(one, 0.0, out=bool_mask[class0:])
    wrong = np.count_nonzero(bool_mask)
    np.copyto(mask, bool_mask)
    np.abs(m, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.maximum(e, mask, out=num)
    return wrong, m, e, num, mask


def _gradient(g: np.ndarray, Fc, class0: int) -> np.ndarray:
    """Σ gᵢ bᵢ over a chunk: (Σ_class0 g − Σ_class1 g, g·Fc), shape (k,)."""
    return np.concatenate(([g[:class0].sum() - g[class0:].sum()], np.dot(g, Fc)))


def _loss_sums(theta: np.ndarray, D: SignedDesign, tail) -> tuple[float, np.ndarray, float]:
    """(loss sum, gradient sum (k,), number misclassified) at θ (k,), chunk by chunk.

    ``tail(m, e, num, mask, w)`` finishes a chunk from ``_margins_and_numerators``' arrays and its
    weights (or None): it returns (the chunk's loss sum, the per-row factors gᵢ of Σ gᵢ bᵢ).
    """
    theta = np.asarray(theta, dtype=np.float64)
    F, w, n0 = D.F, D.weights, D.n0

    def body(a: int, b: int):
        Fc = F[a:b]
        class0 = min(max(n0 - a, 0), b - a)
        wrong, m, e, num, mask = _margins_and_numerators(theta, Fc, class0, _scratch())
        loss, g = tail(m, e, num, mask, None if w is None else w[a:b])
        return loss, _gradient(g, Fc, class0), wrong

    loss, grad, wrong = _over_chunks(D.n, body, (0.0, np.zeros(D.k), 0.0))
    return float(loss), grad, float(wrong)


def _cross_entropy_tail(m, e, num, mask, w):
    """Σ sᵢ log(1 + e^(mᵢ)) and gᵢ = sᵢ σ(mᵢ); the arrays are reused in place."""
    if w is not None:
        np.multiply(mask, w, out=mask)
    loss = np.dot(m, mask)                         # Σ sᵢ max(mᵢ, 0)
    np.add(e, 1.0, out=m)
    np.divide(num, m, out=num)                     # σ(m)
    np.log1p(e, out=e)                             # log(1 + e^m) − max(m, 0)
    if w is None:
        return loss + e.sum(), num
    np.multiply(num, w, out=num)
    return loss + np.dot(w, e), num


def _squared_error_tail(m, e, num, mask, w):
    """Σ ½ sᵢ σ(mᵢ)² and gᵢ = sᵢ σ(mᵢ)² σ(−mᵢ) (the derivative of ½σ(m)²), both σ's sign-split."""
    np.subtract(1.0, mask, out=mask)
    np.maximum(e, mask, out=mask)                  # numerator of σ(−m)
    np.add(e, 1.0, out=e)
    np.divide(num, e, out=num)                     # σ(m)
    np.divide(mask, e, out=mask)                   # σ(−m)
    np.square(num, out=m)                          # σ(m)² = (p − y)²
    if w is not None:
        np.multiply(m, w, out=m)
    loss = 0.5 * m.sum()
    np.multiply(m, mask, out=m)
    return loss, m


def cross_entropy_sums(theta: np.ndarray, D: SignedDesign) -> tuple[float, np.ndarray, float]:
    """(Σ sᵢ log(1 + e^(mᵢ)), Σ sᵢ σ(mᵢ) bᵢ (k,), number misclassified) at θ (k,)."""
    return _loss_sums(theta, D, _cross_entropy_tail)


def squared_error_sums(theta: np.ndarray, D: SignedDesign) -> tuple[float, np.ndarray, float]:
    """(Σ ½ sᵢ (pᵢ − yᵢ)², its gradient sum (k,), number misclassified) at θ (k,);
    (p − y)² = σ(m)²."""
    return _loss_sums(theta, D, _squared_error_tail)


def curvature_weights(theta: np.ndarray, D: SignedDesign) -> np.ndarray:
    """hᵢ = sᵢ pᵢ (1 − pᵢ) = sᵢ e^(−|m|) / (1 + e^(−|m|))², shape (n,): the cross-entropy Hessian
    is (1/n) Σ hᵢ bᵢ bᵢᵀ (signs cancel in bᵢ bᵢᵀ)."""
    m = D.margins(theta)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(m))
        h = e / (1.0 + e) ** 2
    return h if D.weights is None else h * D.weights


def curvature_sums(theta: np.ndarray, D: SignedDesign) -> np.ndarray:
    """Σ hᵢ bᵢ bᵢᵀ over the rows of D, (k, k): n times the cross-entropy Hessian of the data."""
    h = curvature_weights(theta, D)
    B = D.B
    return np.dot(B.T * h, B)


def curvature_product(theta: np.ndarray, v: np.ndarray, D: SignedDesign) -> np.ndarray:
    """Σ hᵢ (bᵢ·v) bᵢ over the rows of D, (k,): n times the data Hessian times v."""
    h = curvature_weights(theta, D)
    B = D.B
    return np.dot(h * np.dot(B, v), B)
