""""Show the code": a short, plain numpy script that reproduces one run.

The script holds the run's training rows (after its seeded test hold-out and resampling, as the
run drew them), applies the same feature maps, writes the cost and the optimizer's update rule out
in numpy (scipy.optimize for the methods lrgui takes from there), stops where the run stops and
prints θ in the data's units as its last line: a JSON array equal to what ``lrgui train SESSION
--json`` gives for that run.
"""

from __future__ import annotations

import numpy as np

from .config import RunConfig
from .dataset import Dataset
from .errors import ConfigError
from .optimizers import OPTIMIZERS
from .problem import build_problem
from .schedules import SCHEDULES

EMBEDDED_ROWS = 5000            # more rows than this go to a CSV file beside the script
MOMENTS = ("momentum", "nesterov")
SQUARES = ("adagrad", "rmsprop")
SCIPY = {"cg": "CG", "bfgs": "BFGS", "lbfgs": "L-BFGS-B"}


def _number(x: float) -> str:
    """A float that reads back to the same bits."""
    return repr(float(x))


def _rows(X: np.ndarray) -> str:
    return ",\n".join("    [" + ", ".join(_number(v) for v in row) + "]" for row in X)


def _labels(y: np.ndarray) -> str:
    text = ", ".join(str(int(v)) for v in y)
    lines, line = [], "    "
    for part in text.split(", "):
        if len(line) + len(part) > 96:
            lines.append(line.rstrip())
            line = "    "
        line += part + ", "
    lines.append(line.rstrip().rstrip(","))
    return "\n".join(lines)


def training_rows(data: Dataset, config: RunConfig) -> tuple[RunConfig, np.ndarray, np.ndarray]:
    """``config`` completed and checked, and the rows the run trains on, in its order: X (n, d),
    y (n,). Raises ConfigError or DatasetError when the run cannot train on ``data``."""
    config = RunConfig.from_dict(config.as_dict()).validate()
    problem = build_problem(data, config)
    reason = OPTIMIZERS.get(config.optimizer).why_unsuitable(problem.objective)
    if reason:
        raise ConfigError(reason)
    return config, problem.train.X, problem.train.y


def script(data: Dataset, config: RunConfig, title: str, data_file: str | None = None) -> str:
    """The script for ``config`` trained alone on ``data``. ``data_file`` names a CSV file that
    holds the training rows (written by ``write_rows``); without it they are written into the
    script (up to EMBEDDED_ROWS rows). Raises ConfigError or DatasetError."""
    if data.classes > 2:
        raise ConfigError(f"the script trains two classes; these data have {data.classes} "
                          "(lrgui train trains them)")
    config, X, y = training_rows(data, config)
    if data_file is None and len(y) > EMBEDDED_ROWS:
        raise ConfigError(f"the run trains on {len(y):,} rows: too many to write into the script "
                          f"(at most {EMBEDDED_ROWS:,}); give a CSV file for them (--data-file)")
    parts = [_header(data, config, title, len(y)), _data(data, config, X, y, data_file), _features(config),
             _cost(config), _optimizer(config), _loop(config), _finish(config)]
    return _blocks([p.strip("\n") + "\n" for p in parts]) + "\n"


def write_rows(data: Dataset, config: RunConfig, path) -> None:
    """The training rows as CSV (inputs, then the label 0 or 1), every number exact."""
    from .fileio import atomic_writer

    _config, X, y = training_rows(data, config)
    with atomic_writer(path) as fh:
        fh.write(",".join((*data.feature_names, "label")) + "\n")
        for row, label in zip(X, y):
            fh.write(",".join(_number(v) for v in row) + f",{int(label)}\n")


# -- the parts ------------------------------------------------------------------------------------
def _header(data: Dataset, config: RunConfig, title: str, n: int) -> str:
    label = OPTIMIZERS.get(config.optimizer).label
    needs_scipy = config.optimizer in SCIPY
    return f'''"""{title}: logistic regression trained by {label}, written out in numpy.

Reproduces the run without lrgui: run it with plain `python`. It trains on {n} points and
prints, on its last line, θ in the data's units as a JSON array (bias first, then the weights
of {", ".join(_names(data, config))}).

The model: z = θᵀφ(x) with φ(x) = (1, features of x), p = σ(z) = 1 / (1 + e^(−z)).
The gradient is a mean over the points for the bias b and the weights w alike, and σ is
differentiated at z: σ′(z) = σ(z) (1 − σ(z)).
"""
import json

import numpy as np
{"from scipy.optimize import minimize" if needs_scipy else ""}'''


def _names(data: Dataset, config: RunConfig) -> tuple[str, ...]:
    from .features import FeatureChain

    return FeatureChain.build(config.degree, config.standardize).names(data.feature_names)


def _data(data: Dataset, config: RunConfig, X, y, data_file) -> str:
    labels = ", ".join(f"{k!r} → {v}" for k, v in data.label_map.items())
    notes = []
    if config.test_fraction > 0:
        notes.append(f"# The run holds {config.test_fraction:.0%} of the points out for testing (seeded, "
                     "stratified): these are the others.")
    if config.resample != "none":
        how = "random undersampling of the larger class" if config.resample == "under" else \
            "random oversampling of the smaller class (repeated rows)"
        notes.append(f"# The training rows after {how}, as the run drew them.")
    head = (f"# -- the data: {len(y)} training points, inputs {', '.join(data.feature_names)}, "
            f"labels 0 or 1 ({labels})")
    body = "\n".join(notes)
    if data_file is not None:
        load = (f"rows = np.loadtxt({str(data_file)!r}, delimiter=\",\", skiprows=1, ndmin=2)\n"
                "X, y = rows[:, :-1], rows[:, -1]")
    else:
        load = f"X = np.array([\n{_rows(X)},\n])\ny = np.array([\n{_labels(y)},\n], dtype=float)"
    return "\n".join(p for p in (head, body, load) if p)


def _features(config: RunConfig) -> str:
    out = ["# -- the features"]
    if config.degree > 1:
        out.append(f'''def polynomial(X):
    """Every product x₁ⁱ x₂ʲ with 1 ≤ i + j ≤ {config.degree}, by total degree, then falling power of x₁."""
    x1, x2 = X[:, 0], X[:, 1]
    powers = [(t - j, j) for t in range(1, {config.degree} + 1) for j in range(t + 1)]
    return np.column_stack([x1**i * x2**j for i, j in powers])


F = polynomial(X)''')
    else:
        out.append("F = X")
    if config.standardize:
        out.append('''# Standardise every column with the training mean and standard deviation; each column is
# divided by its largest |value| first, so that squares of very large or small numbers stay in range.
unit = np.max(np.abs(F), axis=0)
unit = np.where(unit > 0, unit, 1.0)
centre = (F / unit).mean(axis=0)
spread = (F / unit).std(axis=0)
spread = np.where(spread > 0, spread, 1.0)
F = (F / unit - centre) / spread''')
    out.append("Phi = np.column_stack([np.ones(len(F)), F])     # rows φᵢ = (1, fᵢ): θ₀ is the bias b\n"
               "n, k = Phi.shape")
    if config.class_weight == "balanced":
        out.append("# Balanced class weights: each point counts n / (2 n_class), so both classes weigh alike.\n"
                   "counts = np.bincount(y.astype(int), minlength=2)\n"
                   "s = n / (2 * counts[y.astype(int)])")
    else:
        out.append("s = np.ones(n)                                  # every point counts once")
    return _blocks(out)


def _cost(config: RunConfig) -> str:
    lam = config.lam if config.penalty != "none" else 0.0
    if config.loss == "squared":
        loss = ("    loss = np.sum(w * 0.5 * (p - t) ** 2) / m                 # ℓ = ½ (p − y)²\n"
                "    slope = w * (p - t) * p * (1 - p)                        # ∂ℓ/∂z = (p − y) σ′(z)")
        title = "squared error on σ(z)"
    else:
        loss = ("    loss = np.sum(w * (np.logaddexp(0.0, z) - t * z)) / m    # ℓ = log(1 + e^z) − y z\n"
                "    slope = w * (p - t)                                      # ∂ℓ/∂z = p − y")
        title = "cross-entropy"
    penalty = {
        "none": "",
        "l2": "\n    loss += 0.5 * (lam / n) * np.dot(theta[1:], theta[1:])    # (λ/2n) ‖w‖², b not penalised\n"
              "    grad[1:] += lam / n * theta[1:]",
        "l1": "",
    }[config.penalty]
    text = f'''# -- the cost J(θ): the mean {title} of the points, plus the penalty
lam = {_number(lam)}         # λ


def sigmoid(z):
    """σ(z), computed without overflow for any z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def smooth_cost(theta, rows=None):
    """J(θ) and ∇J(θ) (k,) over the points ``rows`` (all by default){" without the L1 penalty" if config.penalty == "l1" else ""}."""
    P, t, w = (Phi, y, s) if rows is None else (Phi[rows], y[rows], s[rows])
    m = len(t)
    z = P @ theta
    p = sigmoid(z)
{loss}
    grad = P.T @ slope / m{penalty}
    return loss, grad'''
    if config.penalty == "l1":
        text += '''


def cost(theta):
    """J(θ) with the L1 penalty (λ/n) ‖w‖₁, and its smallest subgradient (zero at the optimum)."""
    loss, grad = smooth_cost(theta)
    w, t = theta[1:], lam / n
    loss += t * np.abs(w).sum()
    gw = grad[1:]
    grad = grad.copy()
    grad[1:] = np.where(w != 0, gw + t * np.sign(w), np.sign(gw) * np.maximum(np.abs(gw) - t, 0.0))
    return loss, grad


def soft_threshold(theta, step):
    """The L1 penalty's proximal step after an update of size ``step``: shrink w towards 0."""
    out = theta.copy()
    step = np.broadcast_to(step, theta.shape)
    out[1:] = np.sign(theta[1:]) * np.maximum(np.abs(theta[1:]) - step[1:] * lam / n, 0.0)
    return out'''
    else:
        text += "\n\n\ncost = smooth_cost"
    if config.optimizer == "newton":
        text += f'''


def hessian(theta):
    """∇²J(θ) (k, k) = (1/n) Σ sᵢ pᵢ(1 − pᵢ) φᵢ φᵢᵀ{" + (λ/n) on w" if config.penalty == "l2" else ""}."""
    p = sigmoid(Phi @ theta)
    H = (Phi.T * (s * p * (1 - p))) @ Phi / n
    H[1:, 1:] += np.diag(np.full(k - 1, lam / n))
    return H'''
    return text


def _start(config: RunConfig) -> str:
    init = config.init
    if init == "zero":
        return "theta = np.zeros(k)                            # θ₀ = 0"
    if init == "random":
        return (f"theta = np.random.default_rng([{config.seed}, 3]).normal(0.0, 0.5, k)    "
                "# θ₀: seeded, N(0, 0.5²) per coordinate")
    given = "np.array([" + ", ".join(_number(v) for v in init) + "])"
    if not config.standardize:
        return f"theta = {given}      # θ₀ as given"
    return (f"theta0 = {given}      # θ₀ as given, in the data's units: over the standardised columns it is\n"
            "w_unit = theta0[1:] * unit\n"
            "theta = np.concatenate(([theta0[0] + np.dot(w_unit, centre)], w_unit * spread))")


def _schedule(config: RunConfig) -> str:
    h = config.hyper
    name = h.get("schedule", "constant")
    formulas = {
        "constant": "return eta",
        "step": f"return eta * {_number(h.get('step_factor', 0.5))} ** (t // {int(h.get('step_every', 100))})",
        "exponential": f"return eta * {_number(h.get('gamma', 0.99))} ** t",
        "inverse": f"return eta / (1.0 + {_number(h.get('decay', 0.0))} * t)",
        "cosine": (f"low, T = {_number(h.get('lr_min', 0.0))}, {config.max_epochs}\n"
                   "    if T <= 0:\n        return eta\n"
                   "    return low + (eta - low) * 0.5 * (1.0 + math.cos(math.pi * min(t, T) / T))"),
        "cyclic": (f"low, period = {_number(h.get('lr_min', 0.0))}, {int(h.get('period', 100))}\n"
                   "    phase = (t % period) / period\n"
                   "    return low + (eta - low) * (1.0 - abs(2.0 * phase - 1.0))"),
    }
    imports = "import math\n\n\n" if name == "cosine" else ""
    return (f"{imports}def learning_rate(t):\n"
            f'    """η_t of epoch t (t = 0 first): {SCHEDULES.get(name).formula}."""\n'
            f"    {formulas[name]}")


def _blocks(parts: list[str]) -> str:
    """``parts`` one after another, with two blank lines next to a function or class (PEP 8)."""
    def defines(text: str) -> bool:
        return any(line.startswith(("def ", "class ", "import ")) for line in text.split("\n"))

    out = parts[0]
    for before, part in zip(parts, parts[1:]):
        out += ("\n\n\n" if defines(before) or defines(part) else "\n") + part
    return out


def _optimizer(config: RunConfig) -> str:
    h, name = config.hyper, config.optimizer
    out = [f"# -- the optimizer: {OPTIMIZERS.get(name).label}", _start(config)]
    if name in SCIPY:
        out.append(f'''tol, max_epochs = {_number(config.tol)}, {config.max_epochs}


class OutOfRange(Exception):
    """A line search tried a θ where the cost is beyond floating point."""


def solve(theta):
    """scipy's iterates from θ (each epoch takes the next one) and whether it succeeded."""
    iterates = []

    def finite_cost(t):
        loss, grad = cost(t)
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            raise OutOfRange
        return loss, grad

    def record(intermediate_result):
        iterates.append(np.array(intermediate_result.x, dtype=np.float64))

    options = {{"maxiter": 100_000, "gtol": tol / np.sqrt(k){', "ftol": 0.0' if name == "lbfgs" else ""}}}
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = minimize(finite_cost, theta, jac=True, method={SCIPY[name]!r}, callback=record,
                              options=options)
    except OutOfRange:
        return iterates, False
    return iterates, bool(result.success)''')
        return _blocks(out)
    out.append(f"tol, max_epochs = {_number(config.tol)}, {config.max_epochs}")
    if name == "newton":
        return _blocks(out)
    out.append(f"eta = {_number(h['lr'])}                                   # η")
    batch = int(h.get("batch_size", 0))
    if name in MOMENTS:
        out.append(f"mu = {_number(h['momentum'])}                                    # μ\n"
                   "v = np.zeros(k)                                # the velocity")
    elif name in SQUARES:
        extra = f"rho = {_number(h['rho'])}                                   # ρ\n" if name == "rmsprop" else ""
        out.append(f"{extra}eps = {_number(h['eps'])}                                   # ε\n"
                   "squares = np.zeros(k)                          # s: " +
                   ("the sum of squared gradients" if name == "adagrad" else "the mean square gradient"))
    elif name == "adam":
        out.append(f"beta1, beta2, eps = {_number(h['beta1'])}, {_number(h['beta2'])}, {_number(h['eps'])}\n"
                   "m, v, updates = np.zeros(k), np.zeros(k), 0   # first and second moments, t")
    out.append(_schedule(config))
    if 0 < batch:
        out.append(f'''batch_size = {batch}
rng = np.random.default_rng([{config.seed}, 4])


def batches():
    """The rows of each update of an epoch: a new shuffle, cut into mini-batches (all rows at once
    when a batch would hold them all)."""
    if batch_size >= n:
        yield None
        return
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]''')
    else:
        out.append('''def batches():
    """Full batch: every update sees all the points."""
    yield None''')
    return _blocks(out)


def _update(config: RunConfig) -> str:
    """The body of one update on ``rows``, from ``new`` (indented for the loop)."""
    name = config.optimizer
    rules = {
        "gd": "g = smooth_cost(new, rows)[1]\nnew, step = new - lr * g, lr                  # θ ← θ − η ∇J",
        "momentum": "g = smooth_cost(new, rows)[1]\nv = mu * v - lr * g                            # v ← μ v − η ∇J(θ)\n"
                    "new, step = new + v, lr                        # θ ← θ + v",
        "nesterov": "g = smooth_cost(new + mu * v, rows)[1]         # the gradient at the look-ahead point\n"
                    "v = mu * v - lr * g                            # v ← μ v − η ∇J(θ + μ v)\n"
                    "new, step = new + v, lr                        # θ ← θ + v",
        "adagrad": "g = smooth_cost(new, rows)[1]\nsquares = squares + g * g                      # s ← s + g²\n"
                   "step = lr / (np.sqrt(squares) + eps)           # η / (√s + ε) per coordinate\n"
                   "new = new - step * g",
        "rmsprop": "g = smooth_cost(new, rows)[1]\n"
                   "squares = rho * squares + (1.0 - rho) * (g * g)  # s ← ρ s + (1 − ρ) g²\n"
                   "step = lr / (np.sqrt(squares) + eps)           # η / (√s + ε) per coordinate\n"
                   "new = new - step * g",
        "adam": "g = smooth_cost(new, rows)[1]\nupdates += 1\n"
                "m = beta1 * m + (1.0 - beta1) * g              # m ← β₁ m + (1 − β₁) g\n"
                "v = beta2 * v + (1.0 - beta2) * g * g          # v ← β₂ v + (1 − β₂) g²\n"
                "m_hat = m / (1.0 - beta1**updates)             # bias corrections\n"
                "v_hat = v / (1.0 - beta2**updates)\n"
                "step = lr / (np.sqrt(v_hat) + eps)\n"
                "new = new - step * m_hat                       # θ ← θ − η m̂ / (√v̂ + ε)",
    }
    rules["sgd"] = rules["gd"]
    body = rules[name]
    if config.penalty == "l1":
        body += "\nnew = soft_threshold(new, step)"
    return "\n".join("        " + line for line in body.split("\n"))


def _loop(config: RunConfig) -> str:
    name = config.optimizer
    if name in SCIPY:
        epoch = '''    if not path and not finished:
        path, solved = solve(theta)
    new = path.pop(0) if path else theta
    if not path:                               # this solve is used up: done, or solve again from here
        if solved or restarts >= 20 or np.linalg.norm(cost(new)[1]) <= tol:
            finished = True
        else:
            restarts += 1'''
        state = "path, solved, restarts, finished = [], False, 0, False\n"
    elif name == "newton":
        epoch = '''    g, H = cost(theta)[1], hessian(theta)
    try:
        delta = np.linalg.solve(H, g)          # solve H Δ = ∇J
    except np.linalg.LinAlgError:              # singular: separable data without a penalty
        delta = np.linalg.lstsq(H, g, rcond=None)[0]
    new = theta - delta                        # θ ← θ − H⁻¹ ∇J'''
        state = ""
    else:
        epoch = f'''    lr = learning_rate(epoch - 1)
    new = theta
    for rows in batches():
{_update(config)}'''
        state = ""
    if config.standardize:
        original = '''def original(theta):
    """θ over the standardised columns → θ in the data's units."""
    w = theta[1:] / spread / unit
    return np.concatenate(([theta[0] - np.dot(theta[1:], centre / spread)], w))'''
    else:
        original = '''def original(theta):
    """θ in the data's units (the model's columns are the data's own)."""
    return theta'''
    return f'''# -- training: one epoch is one pass over the data; stop at ‖∇J‖ ≤ tol, at the maximum of
# epochs, or when the loss explodes (then the last good θ is kept)
{original}


{state}J0 = cost(theta)[0]
status, epochs = "max_epochs", 0
for epoch in range(1, max_epochs + 1):
{epoch}
    with np.errstate(over="ignore", invalid="ignore"):
        J, grad = cost(new) if np.all(np.isfinite(new)) else (np.nan, None)
    if not np.isfinite(J) or not np.all(np.isfinite(grad)) or J > 1e3 * max(J0, 1.0) \\
            or not np.all(np.isfinite(original(new))):
        status = "diverged"
        break
    theta, epochs = new, epoch
    if np.linalg.norm(grad) <= tol:
        status = "converged"
        break{"""
    if finished:
        status = "stalled"
        break""" if name in SCIPY else ""}'''


def _finish(config: RunConfig) -> str:
    return '''J, grad = cost(theta)
print(f"{status} after {epochs} epochs: J = {J:.6g}, ‖∇J‖ = {np.linalg.norm(grad):.3g}")
print(json.dumps([float(v) for v in original(theta)]))'''
