"""The cost over rows held in chunks on a cluster, and the problem made of it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import kernels
from ..diagnose import SEPARATION_LIMIT, separable
from ..errors import ConfigError
from ..objective import LOSSES, PENALTIES, Objective, PenalisedCost
from ..problem import Problem
from .chunks import chunk_counts, chunk_rows, in_order


class ChunkedCost(PenalisedCost):
    """J(θ) over rows held in chunks on a Dask cluster, with the value, gradient, accuracy and
    Hessian of ``objective.Objective`` on the same rows (up to rounding).

    ``chunks`` are dask Delayed objects, one per chunk, each giving the chunk's
    ``kernels.SignedDesign`` (persisted: held on the workers; otherwise read again when needed);
    ``n`` rows in all, θ of length ``k``. ``loss``, ``penalty`` and ``lam`` as for Objective.
    """

    def __init__(self, client, chunks: list, n: int, k: int, loss: str = "cross-entropy",
                 penalty: str = "none", lam: float = 0.0):
        if n == 0:
            raise ConfigError("the cost needs at least one training row")
        self.client, self.chunks = client, list(chunks)
        self.loss_kind = LOSSES.get(loss)
        self.penalty = PENALTIES.get(penalty)()
        self.lam = float(lam) if penalty != "none" else 0.0
        self.n, self.k, self.penalty_n = n, k, n
        self._memo: tuple[np.ndarray, tuple] | None = None

    def map(self, function, *args) -> list:
        """[function(*args, design) for every chunk's design], computed on the cluster, in chunk
        order."""
        from dask import delayed

        task = delayed(function, pure=False)
        return self.client.compute([task(*args, chunk) for chunk in self.chunks], sync=True)

    def _sums(self, theta: np.ndarray) -> tuple[float, np.ndarray, float]:
        """(data loss, its gradient (k,), accuracy), as ``Objective._sums``; cached for the last θ."""
        memo = self._memo
        if memo is not None and np.array_equal(memo[0], theta):
            return memo[1]
        loss_sum, grad_sum, wrong = in_order(self.map(self.loss_kind.sums, np.array(theta, dtype=np.float64)))
        accuracy = 1.0 - float(wrong) / self.n if np.isfinite(loss_sum) else float("nan")
        result = (float(loss_sum) / self.n, grad_sum / self.n, accuracy)
        self._memo = (np.array(theta, dtype=np.float64), result)
        return result

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """∇²J (k, k): the chunks' Σ hᵢ bᵢ bᵢᵀ added in order, / n, + (λ/n) diag(0, 1, …, 1)."""
        self._require_hessian()
        theta = np.asarray(theta, dtype=np.float64)
        H = in_order([(h,) for h in self.map(kernels.curvature_sums, theta)])[0] / self.n
        H[1:, 1:] += np.diag(self.penalty.hessian_diagonal(theta[1:], self._scale))
        return H

    def hessp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """∇²J(θ) v, shape (k,), without forming the Hessian."""
        self._require_hessian()
        theta, v = np.asarray(theta, dtype=np.float64), np.asarray(v, dtype=np.float64)
        out = in_order([(p,) for p in self.map(kernels.curvature_product, theta, v)])[0] / self.n
        out[1:] += self.penalty.hessian_diagonal(theta[1:], self._scale) * v[1:]
        return out

    def counts(self, theta: np.ndarray, threshold: float) -> np.ndarray:
        """(TN, FP, FN, TP, mean log-loss) over every row at θ (training units)."""
        total = in_order([(c,) for c in self.map(chunk_counts, np.asarray(theta, dtype=np.float64),
                                                  threshold)])[0]
        total[4] /= self.n
        return total

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(model columns (n, k − 1), labels (n,)) of every row, gathered here: for small data only."""
        parts = self.map(chunk_rows)
        return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@dataclass(frozen=True, eq=False)
class ChunkedProblem(Problem):
    """A Problem whose cost is a ChunkedCost: ``data`` and ``train`` hold the names and labels
    only (no rows). ``largest`` is the largest |value| of the model columns, ``files`` the number
    of files read, ``persisted`` whether the chunks are kept on the workers."""

    largest: float = 0.0
    files: int = 0
    persisted: bool = False

    @property
    def extent(self) -> float:
        return self.largest

    def separable(self) -> bool | None:
        """Decided as in memory (rows gathered here) when the in-memory path would decide it."""
        cost = self.objective
        if cost.n * cost.k > SEPARATION_LIMIT:
            return None
        return separable(Objective(*cost.rows()))
