"""Independent reference solutions from scikit-learn, shared by the tests."""

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def l1_logistic_regression(X, y, lam: float) -> np.ndarray:
    """θ = (b, w) minimising (1/n) Σ log-loss + (λ/n) ‖w‖₁ (C = 1/λ), by saga to a tight tolerance."""
    # scikit-learn 1.8 spells the L1 penalty l1_ratio=1 and deprecates penalty="l1"
    l1 = {"l1_ratio": 1.0} if tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 8) else {"penalty": "l1"}
    ref = LogisticRegression(C=1 / lam, solver="saga", tol=1e-12, max_iter=200_000, **l1).fit(X, y)
    return np.r_[ref.intercept_, ref.coef_[0]]
