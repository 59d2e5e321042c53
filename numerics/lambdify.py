"""sympy -> torch: the one bridge by which a theorem's formula becomes a prediction.

Prediction and measurement share one formula: a theorem module holds the sympy
expression, and :func:`to_torch` turns it into a function of named tensors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Protocol, cast

import sympy as sp
import torch
from sympy.printing.pycode import PythonCodePrinter


def _t(fn):
    """Accept python numbers too (sympy splits constants out, e.g. sqrt(2)*sqrt(x))."""
    return lambda x: fn(x if isinstance(x, torch.Tensor) else torch.tensor(float(x), dtype=torch.float64))


_TORCH = {
    "sqrt": _t(torch.sqrt),
    "exp": _t(torch.exp),
    "log": _t(torch.log),
    "Abs": torch.abs,
    "sin": torch.sin,
    "cos": torch.cos,
    "Min": torch.minimum,
    "Max": torch.maximum,
    "gamma": lambda x: torch.exp(torch.lgamma(x)),
    "loggamma": torch.lgamma,
    "expm1": _t(torch.expm1),
    "log1p": _t(torch.log1p),
}


def _stable(expr: sp.Expr) -> sp.Expr:
    """exp(x) − 1 → expm1(x) and log(1 + x) → log1p(x): the same formula, evaluated without
    cancellation (e.g. √(1 − e^{−ε}) at ε = 1e-17 is 3e-9, not 0)."""
    from sympy.codegen.rewriting import expm1_opt, log1p_opt, optimize

    return optimize(expr, [expm1_opt, log1p_opt])


class TorchFn(Protocol):
    """What :func:`to_torch` returns: ``fn(values)``, with the formula's symbol names and expression."""

    symbols: list[str]
    expr: sp.Expr

    def __call__(self, values: Mapping[str, torch.Tensor]) -> torch.Tensor: ...


def to_torch(expr: sp.Expr, extra: Mapping[str, Callable] | None = None) -> TorchFn:
    """Return ``fn(values)`` evaluating ``expr`` with ``values[name]`` for each free symbol.

    ``extra`` maps names of undefined sympy functions (e.g. a kl-inverse) to torch callables."""
    expr = sp.sympify(expr)
    if expr.has(sp.factorial):
        expr = expr.rewrite(sp.gamma)
    expr = _stable(expr)
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    raw = sp.lambdify(syms, expr, modules=[dict(extra or {}) | _TORCH, "math"])
    names = [s.name for s in syms]

    def fn(values: Mapping[str, torch.Tensor]) -> torch.Tensor:
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(f"formula needs {missing}")
        out = raw(*(values[n] for n in names))
        if not isinstance(out, torch.Tensor):
            ref = next((v for v in values.values() if isinstance(v, torch.Tensor)), None)
            out = torch.as_tensor(out, dtype=torch.float64, device=None if ref is None else ref.device)
        return out

    fn.symbols = names  # type: ignore[attr-defined]
    fn.expr = expr  # type: ignore[attr-defined]
    return cast(TorchFn, fn)


class _FractionPrinter(PythonCodePrinter):
    """Python code in which every rational constant is a ``Fraction`` (sympy's default prints
    ``Rational(1, 2)`` as ``1/2``, a float: an "exact" evaluation would round)."""

    def _print_Rational(self, expr):
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Half(self, expr):
        return "Fraction(1, 2)"


def to_fraction(expr: sp.Expr, syms: list) -> Callable:
    """``expr`` as a Python function that evaluates exactly on ``Fraction`` arguments wherever it
    is rational (powers with integer exponents, +, −, ×, ÷, Min, Max); a non-rational function
    (sqrt, log) returns a float, which the caller must treat as inexact."""
    return sp.lambdify(
        syms,
        expr,
        modules=[{"Fraction": Fraction, "Min": min, "Max": max, "math": math}, "math"],
        printer=_FractionPrinter,
    )
