"""Live equations: the selected run's model, cost, gradient and next update with the numbers of
the epoch shown, and the focused point's share of them, in large rich text (Unicode mathematics,
no LaTeX). The numbers come whole from the snapshot's Anatomy; nothing is computed here but the
text.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtWidgets import QTextBrowser

from ..core.anatomy import Anatomy
from ..core.objective import LOSSES, PENALTIES
from .plot_helpers import pixel_font
from .theme import DEFAULT, Theme

VECTOR_SHOWN = 8          # longer vectors show their first entries and the last
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number(x) -> str:
    """A number in four significant digits (trailing zeros kept), powers of ten written out
    (7.590×10⁻⁵), with a true minus sign."""
    x = float(x)
    if not np.isfinite(x):
        return "NaN" if np.isnan(x) else ("∞" if x > 0 else "−∞")
    if x.is_integer() and abs(x) < 1e6:
        text = str(int(x))
    else:
        text = f"{x:#.4g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa.rstrip('.')}×10{str(int(exponent)).translate(SUPERSCRIPTS)}"
        text = text.rstrip(".")
    return text.replace("-", "−")


def column_name(name: str) -> str:
    """x1 → x₁ (a column named by a letter and a number), other names as they are."""
    head = name.rstrip("0123456789")
    return head + name[len(head):].translate(SUBSCRIPTS) if head and len(head) < len(name) else name


def vector(v) -> str:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    parts = [number(x) for x in v]
    if len(parts) > VECTOR_SHOWN:
        parts = parts[:VECTOR_SHOWN - 1] + ["…", parts[-1]]
    return "(" + ", ".join(parts) + ")"


def matrix(m) -> str:
    """A small matrix as rows in brackets (larger ones as their diagonal)."""
    m = np.asarray(m, dtype=np.float64)
    if m.shape[0] > 4:
        return f"{m.shape[0]}×{m.shape[1]}, diagonal {vector(np.diag(m))}"
    rows = "".join(f"<tr><td>[</td>{''.join(f'<td align=right>&nbsp;{number(x)}&nbsp;</td>' for x in row)}"
                   f"<td>]</td></tr>" for row in m)
    return f"<table cellspacing=0 cellpadding=0>{rows}</table>"


def value_text(value) -> str:
    value = np.asarray(value)
    if value.ndim == 0:
        return number(value)
    if value.ndim == 1:
        return vector(value)
    return matrix(value)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def weight_names(k: int) -> list[str]:
    """b, w₁, w₂ … for θ of length k."""
    return ["b"] + [f"w{str(j).translate(SUBSCRIPTS)}" for j in range(1, k)]


def model_line(a: Anatomy) -> str:
    """z = b + w₁x₁ + … written out with θ in original units."""
    k = len(a.theta_original)
    names = weight_names(k)
    columns = [column_name(n) for n in a.names[: k - 1]]
    symbolic = " + ".join([names[0]] + [f"{names[j]}·{columns[j - 1]}" for j in range(1, min(k, 4))])
    numeric = number(a.theta_original[0])
    for j in range(1, min(k, VECTOR_SHOWN)):
        w = float(a.theta_original[j])
        numeric += f" {'−' if w < 0 else '+'} {number(abs(w))}·{columns[j - 1]}"
    if k > 4:
        symbolic += " + …"
    if k > VECTOR_SHOWN:
        numeric += " + …"
    return f"z = {_e(symbolic)} = {_e(numeric)}"


class EquationsView(QTextBrowser):
    """Shows ``snapshot.anatomy`` for the selected run. Ctrl+wheel zooms the text."""

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setToolTip("The selected run at the epoch shown: its model, cost, gradient and next update "
                        "with the numbers plugged in. Click a point in the data plane to see its share. "
                        "Ctrl+wheel zooms.")
        self._shown_key = None
        self._snap = None
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """The font (a serif face that places combining accents, m̂ and v̂, where they belong)
        at 1.45 × the theme's size, and the colour of the words beside the numbers."""
        font = pixel_font(theme.px(1.45), self.font())
        font.setFamilies(["DejaVu Serif", "Cambria Math", "Cambria", "STIX Two Text", "Times New Roman", "Serif"])
        self.setFont(font)
        self.document().setDefaultFont(font)
        self.document().setDefaultStyleSheet(f".muted {{ color: {theme.muted_color} }}")
        self._shown_key = None
        if self._snap is not None:
            self.show_snapshot(self._snap)
        else:
            self.setHtml(self._placeholder("Select a run and train it to see its equations."))

    @staticmethod
    def _placeholder(text: str) -> str:
        return f"<p class=muted>{_e(text)}</p>"

    def show_snapshot(self, snap) -> None:
        self._snap = snap
        a = snap.anatomy
        run = snap.selected
        # the anatomy by identity (a new answer is a new object; an id could be reused)
        key = (run.spec.label if run is not None else None, snap.anatomy_note)
        if self._shown_key is not None and a is self._shown_key[0] and key == self._shown_key[1]:
            return
        self._shown_key = (a, key)
        if a is None:
            note = snap.anatomy_note or ("No run is selected." if run is None else "Waiting for the trainer…")
            self.setHtml(self._placeholder(note))
            return
        self.setHtml(self.render(a, run.spec.label if run is not None else ""))

    def render(self, a: Anatomy, label: str) -> str:
        loss = LOSSES.get(a.loss_name)
        penalty = PENALTIES.get(a.penalty)
        k = len(a.theta)
        rows: list[tuple[str, str]] = []
        units = "<br><span class=muted>θ in the data's units</span>" if a.standardized else ""
        columns = ", ".join(column_name(n) for n in a.names[:VECTOR_SHOWN])
        phi = (f"<br>φ(x) = (1, {_e(columns)}{', …' if len(a.names) > VECTOR_SHOWN else ''}): the model columns"
               + (" (standardised)" if a.standardized else ""))
        rows.append(("Model", model_line(a) + "<br>p = σ(z) = 1 / (1 + e<sup>−z</sup>)" + units + phi))
        if a.point is not None:
            rows.append(("Point", self._point(a, loss)))
        cost = _e(loss.formula) + (f" + {_e(penalty.formula)}" if penalty.formula else "")
        lam = f", λ = {number(a.lam)}" if penalty.formula else ""
        edited = ""
        if np.isfinite(a.recorded_loss) and number(a.recorded_loss) != number(a.loss):
            edited = (f"<br><i>the data or settings changed after epoch {a.epoch}: J was "
                      f"{number(a.recorded_loss)} then; the numbers here are what the next epoch trains on</i>")
        rows.append(("Cost", f"{cost} = <b>{number(a.loss)}</b> &nbsp;(n = {a.n:,}{lam}){edited}"))
        grad = _e(loss.gradient_formula) + (f" + {_e(penalty.gradient_formula)}" if penalty.gradient_formula else "")
        rows.append(("Gradient", f"{grad}<br>∇J = <b>{vector(a.gradient)}</b> "
                                 f"&nbsp;‖∇J‖ = {number(a.gradient_norm)}"
                     + ("<br><i>∇J and the update are over the standardised columns</i>" if a.standardized else "")))
        update = "<br>".join(_e(line) for line in a.update.rule)
        terms = "".join(self._term(_e(t.symbol), value_text(t.value), t.meaning) for t in a.update.terms)
        step = a.step
        if step is not None:
            terms += self._term("Δθ", f"<b>{vector(step)}</b>", "θₜ₊₁ − θₜ, as trained")
            terms += self._term("θ<sub>t+1</sub>", vector(a.next_theta), "")
        note = f"<br><i>{_e(a.update.note)}</i>" if a.update.note else ""
        if step is None and not a.update.note:
            note += "<br><i>no further update: the run has nowhere to go from here</i>"
        rows.append(("Update", f"{update}<table cellspacing=2>{terms}</table>{note}"))
        body = "".join(f"<tr><td valign=top class=muted style='padding-right:12px'><b>{name}</b></td>"
                       f"<td valign=top style='padding-bottom:10px'>{text}</td></tr>" for name, text in rows)
        theta = ", ".join(f"{n} = {number(x)}" for n, x in zip(weight_names(k), a.theta[:VECTOR_SHOWN]))
        where = " over the standardised columns" if a.standardized else ""
        head = (f"<p><b>{_e(label)}</b> · {_e(a.optimizer)} · the update after epoch <b>{a.epoch}</b><br>"
                f"<span class=muted>θ<sub>t</sub>{where}: {_e(theta)}</span></p>")
        if not a.current:
            head += "<p><i>This epoch trained on earlier data or settings than the run has now.</i></p>"
        return f"{head}<table cellspacing=0>{body}</table>"

    @staticmethod
    def _term(symbol: str, value: str, meaning: str) -> str:
        """One row of the update's numbers: the symbol, its value, what it is (in grey)."""
        what = f" <span class=muted>&nbsp;{_e(meaning)}</span>" if meaning else ""
        return f"<tr><td valign=top>{symbol}&nbsp;</td><td>= {value}{what}</td></tr>"

    @staticmethod
    def _point(a: Anatomy, loss) -> str:
        pt = a.point
        y = int(pt.y)
        columns = " (standardised)" if a.standardized else ""
        return (f"x = {vector(pt.x)}, &nbsp;y = {y}, &nbsp;φ(x) = {vector(pt.phi)}{columns}<br>"
                f"z = θᵀφ(x) = <b>{number(pt.z)}</b>, &nbsp;p = σ(z) = <b>{number(pt.p)}</b><br>"
                f"{_e(loss.term_formula)} = {number(pt.loss)}<br>"
                f"{_e(loss.slope_formula)} = {number(pt.slope)}<br>"
                f"∂ℓ/∂θ = (∂ℓ/∂z) φ(x) = {vector(pt.gradient)}"
                f"<br><span class=muted>its share of ∇J is (1/n) of that</span>")
