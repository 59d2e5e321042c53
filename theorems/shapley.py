r"""Shapley values: the two formulas, the four axioms, uniqueness, differences, estimators -- Arora et al. §10.2.

Statement.  For a game :math:`v:2^{[N]}\to\mathbb{R}`, Definition 10.2.1 (expected marginal
contribution over a uniformly random order) and Problem 10.2.2 (the subset formula) agree:

.. math:: s_i=\mathbb{E}_\pi\big[v(P_i^\pi\cup\{i\})-v(P_i^\pi)\big]
            =\sum_{S\subseteq[N]\setminus\{i\}}\frac{|S|!\,(N-|S|-1)!}{N!}\big(v(S\cup\{i\})-v(S)\big).

It satisfies efficiency, symmetry, linearity and the null-player axiom, and it is the only
linear map that does (Theorem 10.2.3).  Theorem 10.2.5:
:math:`s_i-s_j=\sum_{S\subseteq[N]\setminus\{i,j\}}\frac{|S|!(N-|S|-2)!}{(N-1)!}\big(v(S\cup i)-v(S\cup j)\big)`.

Symbolic checks use a generic game (one symbol per coalition) on N = 3 (axioms,
uniqueness) and N = 4 (Theorem 10.2.5).  Finding: with efficiency stated as
:math:`\sum_i s_i=v([N])`, the axioms are inconsistent unless :math:`v(\emptyset)=0` (the constant
game makes every player null); uniqueness holds on games with :math:`v(\emptyset)=0`, or on all
games with efficiency :math:`\sum_i s_i=v([N])-v(\emptyset)`.

Estimator (§10.2.1): with m uniformly random orders and marginal contributions in a range
of width R, Hoeffding and a union bound over the N players give
:math:`P(\max_i|\hat s_i-s_i|\ge\varepsilon)\le 2N e^{-2m\varepsilon^2/R^2}`, so an
:math:`\ell_2` error :math:`\varepsilon` needs :math:`m\ge N R^2\ln(2N/\delta)/(2\varepsilon^2)`.
"""
from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction

import sympy as sp
import torch

from dlverify.numerics import games
from dlverify.numerics.device import RunContext, gamma
from dlverify.numerics.lambdify import to_torch
from dlverify.numerics.stats import binomial_upper_pvalue, fit_loglog_slope
from dlverify.theorems.core import (
    Assumption, Certificate, Claim, ClaimResult, Mark, Simplification, Source, SourceLine, Step, Theorem, Unfold,
    Verdict,
)

# ----------------------------------------------------------------------------- symbolic games
s_, Nn = sp.symbols("s N", integer=True, nonnegative=True)
WEIGHT = sp.factorial(s_) * sp.factorial(Nn - s_ - 1) / sp.factorial(Nn)  # the claim's one formula
DIFF_WEIGHT = sp.factorial(s_) * sp.factorial(Nn - s_ - 2) / sp.factorial(Nn - 1)


def _game(N: int, name: str = "v"):
    def lab(S):
        members = [str(k + 1) for k in range(N) if S >> k & 1]
        return name + "_{" + (",".join(members) if members else r"\emptyset") + "}"
    return [sp.Symbol(lab(S)) for S in range(2**N)]


def subset_formula(v, N: int, i: int, weight=WEIGHT):
    return sum(weight.subs({s_: bin(S).count("1"), Nn: N}) * (v[S | 1 << i] - v[S])
               for S in range(2**N) if not S >> i & 1)


def permutation_formula(v, N: int, i: int):
    total = 0
    for order in itertools.permutations(range(N)):
        S = 0
        for k in order:
            if k == i:
                total += v[S | 1 << i] - v[S]
                break
            S |= 1 << k
    return total / sp.factorial(N)


N3 = 3
V3, W3 = _game(N3), _game(N3, "w")
V4 = _game(4)
al, be = sp.symbols("alpha beta", real=True)
PHI3 = sp.Matrix([subset_formula(V3, N3, i) for i in range(N3)])


def _sym_subs(v, N, i, j):
    """Make players i and j symmetric: v(S + j) := v(S + i) for S without i, j."""
    return {v[S | 1 << j]: v[S | 1 << i] for S in range(2**N) if not (S >> i & 1 or S >> j & 1)}


def _null_subs(v, N, i):
    """Make player i null: v(S + i) := v(S)."""
    return {v[S | 1 << i]: v[S] for S in range(2**N) if not S >> i & 1}


class UniqueLinearSolution(Certificate):
    """Solve the axioms' linear system for an unknown linear map A on games and check that
    the solution is unique (no free parameters) and equals the Shapley matrix; with
    ``expect_inconsistent`` check instead that the system has no solution.

    ``zero_empty``: the space of games is {v : v(∅) = 0} (A has no column for ∅);
    ``efficiency_subtracts_empty``: efficiency reads Σ_i s_i = v(N) − v(∅), else Σ_i s_i = v(N).
    """

    name = "solution set of the axioms' linear system"

    def __init__(self, N: int, *, zero_empty: bool, efficiency_subtracts_empty: bool, expect_inconsistent: bool = False):
        self.N, self.zero_empty, self.sub_empty, self.inconsistent = N, zero_empty, efficiency_subtracts_empty, expect_inconsistent

    def describe(self):
        return ("the axioms' linear system has no solution" if self.inconsistent
                else "the axioms' linear system has exactly one solution, the Shapley matrix")

    def system(self):
        N, M = self.N, 2**self.N
        cols = list(range(1, M)) if self.zero_empty else list(range(M))
        A = {(i, S): sp.Symbol(f"A_{i}_{S}") for i in range(N) for S in cols}
        eqs = []
        for S in cols:  # efficiency, for every basis game e_S
            target = 1 if S == M - 1 else (-1 if (S == 0 and self.sub_empty) else 0)
            eqs.append(sum(A[i, S] for i in range(N)) - target)
        for a, b in itertools.combinations(range(N), 2):  # symmetry under each transposition
            def swap(S, a=a, b=b):
                ba, bb = S >> a & 1, S >> b & 1
                S &= ~((1 << a) | (1 << b))
                return S | (ba << b) | (bb << a)
            for i in range(N):
                pi = b if i == a else a if i == b else i
                eqs += [A[pi, swap(S)] - A[i, S] for S in cols]
        for i in range(N):  # null player: A_i vanishes on the games where i is null
            for S in range(M):
                if S >> i & 1:
                    continue
                if S == 0 and self.zero_empty:
                    continue  # v({i}) = v(∅) = 0: no free direction there
                eqs.append(A[i, S] + A[i, S | 1 << i])
        return A, cols, eqs

    def check(self, rel, facts):
        A, cols, eqs = self.system()
        unknowns = list(A.values())
        sol = sp.linsolve(eqs, unknowns)
        if self.inconsistent:
            ok = sol == sp.EmptySet
            return Mark(ok, "no solution: the axioms contradict each other on this class" if ok else "the system has a solution")
        if sol == sp.EmptySet:
            return Mark(False, "the axioms' system has no solution")
        (vals,) = sol
        if any(getattr(x, "free_symbols", set()) for x in vals):
            return Mark(False, "the solution is not unique (free parameters remain)")
        got = dict(zip(unknowns, vals))
        V = _game(self.N)
        for (i, S), sym in A.items():
            if sp.simplify(got[sym] - sp.diff(subset_formula(V, self.N, i), V[S])) != 0:
                return Mark(False, "the unique solution is not the Shapley matrix")
        return Mark(True, self.describe() + f" ({len(eqs)} equations, {len(unknowns)} unknowns)")


ASSUMPTIONS = [
    Assumption("zero_empty", "v(∅) = 0 (a game in the book's sense)", sp.Eq(V3[0], 0), latex=r"v(\emptyset)=0"),
    Assumption("bounded_marginals", "marginal contributions lie in an interval of width R (for the estimator)", None,
               latex=r"v(S\cup i)-v(S)\in[a,a+R]"),
]

DERIVATION = [
    Step("perm_eq_subset", "Definition 10.2.1 = Problem 10.2.2 for each player (generic game, N = 3)",
         sp.Eq(sp.Matrix([permutation_formula(V3, N3, i) for i in range(N3)]), PHI3, evaluate=False), Simplification()),
    Step("efficiency", "efficiency: Σ_i s_i = v(N) − v(∅)", sp.Eq(sum(PHI3), V3[-1] - V3[0], evaluate=False), Simplification()),
    Step("symmetry", "symmetry: players 1 and 2 symmetric ⇒ s_1 = s_2",
         sp.Eq(PHI3[0] - PHI3[1], 0, evaluate=False), Unfold(_sym_subs(V3, N3, 0, 1))),
    Step("null_player", "null player: v(S ∪ 3) = v(S) for all S ⇒ s_3 = 0", sp.Eq(PHI3[2], 0, evaluate=False),
         Unfold(_null_subs(V3, N3, 2))),
    Step("linearity", "linearity: s(αv + βw) = α s(v) + β s(w)",
         sp.Eq(sp.Matrix([subset_formula([al * a + be * b for a, b in zip(V3, W3)], N3, i) for i in range(N3)]),
               al * PHI3 + be * sp.Matrix([subset_formula(W3, N3, i) for i in range(N3)]), evaluate=False), Simplification()),
    Step("uniqueness", "Theorem 10.2.3 (N = 3): the only linear map with efficiency (Σ s = v(N) − v(∅)), symmetry and "
         "null player is the Shapley map", sp.Eq(sp.Symbol("A"), sp.Symbol("A_{Shapley}")),
         UniqueLinearSolution(3, zero_empty=False, efficiency_subtracts_empty=True)),
    Step("uniqueness_zero_empty", "on games with v(∅) = 0 and efficiency Σ s = v(N): unique, the Shapley map",
         sp.Eq(sp.Symbol("A|_{v(\\emptyset)=0}"), sp.Symbol("A_{Shapley}")),
         UniqueLinearSolution(3, zero_empty=True, efficiency_subtracts_empty=False)),
    Step("inconsistent_nonzero_empty", "with Σ s = v(N) on all games (v(∅) free) the axioms have no solution",
         sp.Eq(sp.Symbol("\\{A\\}"), sp.EmptySet, evaluate=False), UniqueLinearSolution(3, zero_empty=False, efficiency_subtracts_empty=False, expect_inconsistent=True)),
    Step("differences", "Theorem 10.2.5 (N = 4): s_1 − s_2 = Σ_{S ⊆ N∖{1,2}} |S|!(N−|S|−2)!/(N−1)! (v(S∪1) − v(S∪2))",
         sp.Eq(subset_formula(V4, 4, 0) - subset_formula(V4, 4, 1),
               sum(DIFF_WEIGHT.subs({s_: bin(S).count("1"), Nn: 4}) * (V4[S | 1] - V4[S | 2])
                   for S in range(16) if not S & 3), evaluate=False), Simplification()),
]

# ----------------------------------------------------------------------------- claims
wsym = sp.Symbol("w")
M_EST, N_EST, R_EST, D_EST, E_EST = sp.symbols("m N R delta epsilon", positive=True)
ERR_EST = sp.Symbol("err", nonnegative=True)  # the ℓ2 error of one run of the estimator
CLAIMS = [
    Claim("axioms", "the value with weights |S|!(N−|S|−1)!/N! satisfies the four axioms on every game "
          "(efficiency as Σ s = v(N) − v(∅), so v(∅) = 0 is not needed)",
          sp.Eq(wsym, WEIGHT), (), proved_by="efficiency"),
    Claim("closed_forms", "the fast exact values equal the closed forms (unanimity, airport, glove, UN Security Council)",
          sp.Eq(wsym, WEIGHT), (), proved_by="perm_eq_subset", tight_on="closed-form games"),
    Claim("estimator_envelope", "permutation estimator with m orders: with probability ≥ 1 − δ the ℓ2 error is at most "
          "R √(N ln(2N/δ)/(2m)) (equivalently m ≥ N R² ln(2N/δ)/(2ε²) orders give error ≤ ε)",
          sp.Le(ERR_EST, R_EST * sp.sqrt(N_EST * sp.log(2 * N_EST / D_EST) / (2 * M_EST))), ("bounded_marginals",),
          proved_by="hoeffding", domain=(sp.Lt(D_EST, 1), sp.Ge(N_EST, 2), sp.Ge(M_EST, 1))),
]
PREDICTED = {"weight": WEIGHT, "estimator_slope": sp.Rational(-1, 2),
             "sample_size": N_EST * R_EST**2 * sp.log(2 * N_EST / D_EST) / (2 * E_EST**2)}

UNSC = ([7] * 5 + [1] * 10, 39)


def _uniqueness_evidence():
    return {"game": "v ≡ 1 (all coalitions, including ∅)", "null players": "all", "null-player axiom": "s = 0",
            "efficiency Σ s = v(N)": "Σ s = 1", "conclusion": "no value satisfies both"}


AS_WRITTEN = [
    SourceLine("def_10_2_1", "Definition 10.2.1 and Problem 10.2.2", r"s_i=\mathbb{E}_\pi[\dots]=\sum_{S}\frac{|S|!(N-|S|-1)!}{N!}(v(S\cup i)-v(S))",
               Verdict.VERIFIED, "step perm_eq_subset; the fast code agrees with brute force over N! orders"),
    SourceLine("axioms", "the four axioms", r"\text{efficiency, symmetry, linearity, null player}", Verdict.VERIFIED,
               "each a polynomial identity on a generic game"),
    SourceLine("thm_10_2_3", "Theorem 10.2.3 (uniqueness), efficiency read as Σ s_i = v(N)",
               r"\sum_i s_i=v([N])", Verdict.NEEDS_ASSUMPTION,
               "true on games with v(∅) = 0; for v(∅) ≠ 0 no value satisfies all four axioms",
               corrected=r"v(\emptyset)=0,\ \text{or}\ \sum_i s_i=v([N])-v(\emptyset)", evidence=_uniqueness_evidence),
    SourceLine("thm_10_2_5", "Theorem 10.2.5 (differences)",
               r"s_i-s_j=\sum_{S\subseteq[N]\setminus\{i,j\}}\frac{|S|!(N-|S|-2)!}{(N-1)!}(v(S\cup i)-v(S\cup j))",
               Verdict.VERIFIED, "step differences (generic game, N = 4) and numerically on random games up to N = 12"),
    SourceLine("sec_10_2_1", "§10.2.1 sample size of the permutation estimator (our reading: O(N log N / ε²) samples)",
               r"m=O\!\left(\frac{N R^2\log(N/\delta)}{\varepsilon^2}\right)", Verdict.VERIFIED,
               "the Hoeffding/union-bound envelope holds in every repetition (see the estimator experiment); "
               "dropping the factor N (ℓ∞ rate for an ℓ2 target) is refuted by an exact binomial test"),
]

Np, mp, ep, Rp, dp = sp.symbols("N m epsilon R delta", positive=True)


class LogEquivalence(Certificate):
    """P: a <= b with a, b > 0 is equivalent to log a <= log b (log is strictly increasing);
    then log b - log a = factor * slack(A) with factor > 0 proves P <=> A."""

    name = "logarithm (strictly increasing) and a positive factor"

    def __init__(self, factor):
        self.factor = factor

    def describe(self):
        return f"log both sides; log b − log a = ({sp.sstr(self.factor)}) · slack(A)"

    def check(self, rel, facts):
        from dlverify.theorems.core import nonneg_by_monomials, slack

        p, a = rel.args
        for P, A in ((p, a), (a, p)):
            if not isinstance(P, sp.LessThan) or P.lhs.has(sp.log):
                continue
            if not (P.lhs.is_positive and P.rhs.is_positive):
                continue
            lhs = sp.expand_log(sp.log(P.rhs) - sp.log(P.lhs), force=True)
            if sp.simplify(lhs - self.factor * slack(A)) == 0 and nonneg_by_monomials(self.factor, positive=True).ok:
                return Mark(True, self.describe())
        return Mark(False, "log b − log a is not a positive multiple of slack(A)")


DERIVATION.append(
    Step("hoeffding", "Hoeffding per player at ε/√N and a union bound over N players: "
         "2N exp(−2mε²/(NR²)) ≤ δ ⇔ m ≥ N R² ln(2N/δ)/(2ε²)",
         sp.Equivalent(sp.Le(2 * Np * sp.exp(-2 * mp * ep**2 / (Np * Rp**2)), dp),
                       sp.Ge(mp, Np * Rp**2 * sp.log(2 * Np / dp) / (2 * ep**2))),
         LogEquivalence(2 * ep**2 / (Np * Rp**2))))

THEOREM = Theorem(
    id="shapley", title="Shapley values: axioms, uniqueness, estimators",
    source=Source("Arora et al., Theory of Deep Learning", "§10.2",
                  "Definition 10.2.1, Problem 10.2.2, Theorems 10.2.3 and 10.2.5, §10.2.1"),
    statement=r"s_i=\sum_{S\subseteq[N]\setminus\{i\}}\frac{|S|!\,(N-|S|-1)!}{N!}\big(v(S\cup\{i\})-v(S)\big)",
    assumptions=ASSUMPTIONS, derivation=DERIVATION, claims=CLAIMS, predicted=PREDICTED, as_written=AS_WRITTEN,
)


# ----------------------------------------------------------------------------- numerics

def weights_of(weight_expr, N: int, ctx: RunContext) -> torch.Tensor:
    """The claim's weight formula evaluated at s = 0..N-1 (lambdified: one formula)."""
    s = torch.arange(N, dtype=ctx.dtype, device=ctx.device)
    return to_torch(weight_expr)({"s": s, "N": torch.full_like(s, N)})


def value(v: torch.Tensor, weight_expr, ctx: RunContext) -> torch.Tensor:
    N = v.shape[1].bit_length() - 1
    return games.exact_shapley(v, weights_of(weight_expr, N, ctx))


def round_tol(v: torch.Tensor) -> torch.Tensor:
    """Rounding bound per game: 2^(N-1) weighted terms of size <= 2 max|v| per player, summed twice."""
    N = v.shape[1].bit_length() - 1
    return gamma(2 ** N + 2 * N) * 4 * N * v.abs().amax(-1) + torch.finfo(v.dtype).tiny  # tiny: 0/0 for the zero game


def symmetrize(v: torch.Tensor, i: int, j: int) -> torch.Tensor:
    """Make players i and j symmetric: v(S + i) = v(S + j) = their average."""
    v = v.clone()
    M = v.shape[1]
    for S in range(M):
        if not (S >> i & 1 or S >> j & 1):
            a, b = S | 1 << i, S | 1 << j
            m = (v[:, a] + v[:, b]) / 2
            v[:, a], v[:, b] = m, m
    return v


def nullify(v: torch.Tensor, i: int) -> torch.Tensor:
    v = v.clone()
    for S in range(v.shape[1]):
        if not S >> i & 1:
            v[:, S | 1 << i] = v[:, S]
    return v


def axiom_residuals(valuefn, v: torch.Tensor, w2: torch.Tensor) -> dict:
    """max residual / rounding bound of each axiom (<= 1 means it holds) for a value function."""
    N = v.shape[1].bit_length() - 1
    tol = round_tol(v)
    phi = valuefn(v)
    eff = ((phi.sum(-1) - (v[:, -1] - v[:, 0])).abs() / tol).max()
    vs = symmetrize(v, 0, N - 1)
    ps = valuefn(vs)
    sym = ((ps[:, 0] - ps[:, N - 1]).abs() / round_tol(vs)).max()
    vn = nullify(v, N - 1)
    null = (valuefn(vn)[:, N - 1].abs() / round_tol(vn)).max()
    a, b = 0.7, -1.3
    lin = ((valuefn(a * v + b * w2) - a * phi - b * valuefn(w2)).abs().amax(-1)
           / (round_tol(a * v + b * w2) + abs(a) * tol + abs(b) * round_tol(w2))).max()
    return {"efficiency": float(eff), "symmetry": float(sym), "null player": float(null), "linearity": float(lin)}


def closed_form_games(ctx: RunContext) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    dev, dt = ctx.device, ctx.dtype
    out = []
    v, phi = games.random_unanimity_sum(ctx.size(8, 64), ctx.size(8, 16), 6, seed=ctx.seed, device=dev, dtype=dt)
    out.append(("sum of unanimity games", v, phi))
    v = games.unanimity(6, [1, 3, 4], 2.5, device=dev, dtype=dt)
    out.append(("unanimity u_{2,4,5}", v, torch.tensor([[0, 2.5 / 3, 0, 2.5 / 3, 2.5 / 3, 0]], dtype=dt, device=dev)))
    out.append(("airport (7 runways)",) + games.airport([1.0, 3.0, 3.0, 2.0, 7.5, 4.0, 0.5], device=dev, dtype=dt))
    out.append(("glove (1 left, 5 right)",) + games.glove(5, device=dev, dtype=dt))
    w, q = UNSC
    exact = games.weighted_majority_exact(w, q)
    out.append(("UN Security Council [39; 7×5, 1×10]", games.weighted_majority_table(w, q, device=dev, dtype=dt),
                torch.tensor([[float(f) for f in exact]], dtype=dt, device=dev)))
    add = torch.randn(1, 9, dtype=dt, device=dev, generator=torch.Generator(device=dev).manual_seed(ctx.seed))
    mem = games.coalitions(9, dev).to(dt)
    out.append(("additive game", (mem @ add[0])[None], add))
    out.append(("symmetric game v(S) = |S|²", (mem.sum(-1) ** 2)[None], torch.full((1, 9), 81 / 9, dtype=dt, device=dev)))
    return out


def model_game(ctx: RunContext, N: int = 10) -> torch.Tensor:
    """Feature attribution of a small torch network: v(S) = f(x_S, 0_{S^c}) − f(0)."""
    g = torch.Generator(device=ctx.device).manual_seed(ctx.seed)
    W1 = torch.randn(N, 32, generator=g, device=ctx.device, dtype=ctx.dtype) / math.sqrt(N)
    W2 = torch.randn(32, 1, generator=g, device=ctx.device, dtype=ctx.dtype) / math.sqrt(32)
    x = torch.randn(N, generator=g, device=ctx.device, dtype=ctx.dtype)
    inputs = games.coalitions(N, ctx.device).to(ctx.dtype) * x
    f = (torch.tanh(inputs @ W1) @ W2).squeeze(-1)
    return (f - f[0])[None]


def check_claim(claim: Claim, ctx: RunContext) -> ClaimResult:
    tex = THEOREM.tex(claim.relation)
    if claim.relation.free_symbols == {wsym} | (claim.relation.rhs.free_symbols if isinstance(claim.relation, sp.Equality) else set()) \
            and isinstance(claim.relation, sp.Equality) and claim.relation.lhs == wsym:
        wexpr = claim.relation.rhs
        fn = lambda v: value(v, wexpr, ctx)  # noqa: E731
        checked, failures = 0, []
        v = games.random_games(ctx.size(16, 256), ctx.size(8, 14), seed=ctx.seed, device=ctx.device, dtype=ctx.dtype)
        w2 = games.random_games(v.shape[0], ctx.size(8, 14), seed=ctx.seed + 1, device=ctx.device, dtype=ctx.dtype)
        res = axiom_residuals(fn, v, w2)
        checked += v.shape[0] * 4
        failures += [f"{k} residual {r:.3g}× its rounding bound" for k, r in res.items() if r > 1]
        for name, g_, phi in closed_form_games(ctx):
            got = fn(g_)
            dev = float(((got - phi).abs() / round_tol(g_)[:, None]).max())
            checked += g_.shape[0]
            if dev > 1:
                failures.append(f"{name}: {dev:.3g}× the rounding bound from the closed form")
        if failures:
            return ClaimResult(claim.key, claim.text, tex, Verdict.FALSE, checked, len(failures),
                               counterexample={"failures": failures[:4], "seed": ctx.seed}, detail=failures[0])
        if not claim.proved_by:
            return ClaimResult(claim.key, claim.text, tex, Verdict.NOT_REFUTED, checked, 0)
        return ClaimResult(claim.key, claim.text, tex, Verdict.TIGHT if claim.tight_on else Verdict.VERIFIED, checked, 0,
                           proved_by=claim.proved_by, detail="all four axioms and every closed form hold within rounding")
    if ERR_EST in claim.relation.free_symbols:
        r = envelope_trial(ctx, claim.relation, understate_range="bounded_marginals" not in claim.assumptions)
        verdict = Verdict.FALSE if r["rejected"] else (Verdict.VERIFIED if claim.proved_by else Verdict.NOT_REFUTED)
        return ClaimResult(claim.key, claim.text, tex, verdict, r["reps"], r["failures"], worst_ratio=r["worst_ratio"],
                           counterexample=r["counterexample"], proved_by=claim.proved_by if not r["rejected"] else "",
                           detail=f"{r['failures']} failures in {r['reps']} repetitions over m, δ and game scales; exact "
                                  f"binomial test, rejected below α = {ALPHA:g} (family-wise)")
    raise KeyError(claim.key)


def envelope_trial(ctx: RunContext, relation, *, N: int = 16, understate_range: bool = False) -> dict:
    """The claimed error envelope on parity games scaled by c ∈ {0.05, 1, 20} (R scales with c),
    for m ∈ {16, 256} orders and δ ∈ {0.1, 0.3}: a repetition fails when the claimed relation is
    false for its ℓ2 error; 'P(fail) ≤ δ' is tested exactly (one-sided binomial, α = ALPHA over
    all cells).  Without 'bounded_marginals' the claim is told R/4."""
    from dlverify.theorems.core import slack as _slack

    fn = to_torch(_slack(relation))
    reps = ctx.size(200, 2000)
    cells = [(c, m, d) for c in (0.05, 1.0, 20.0) for m in (16, 256) for d in (0.1, 0.3)]
    out = {"reps": 0, "failures": 0, "worst_ratio": 0.0, "rejected": False, "counterexample": None}
    for j, (c, m, delta) in enumerate(cells):
        v = c * parity_game(N, ctx)
        phi = games.exact_shapley(v)
        R = float(games.marginal_range(v)[0]) / (4 if understate_range else 1)
        est = games.sample_permutations(v, m, reps, seed=ctx.seed + j)
        err = torch.linalg.vector_norm(est[:, 0] - phi[0], dim=-1)
        vals = {"err": err, "R": torch.full_like(err, R), "N": torch.full_like(err, float(N)),
                "m": torch.full_like(err, float(m)), "delta": torch.full_like(err, delta)}
        sl = fn({k: v_ for k, v_ in vals.items() if k in fn.symbols})
        tol = gamma(4 * N) * (err + c)  # rounding of the estimate and of the norm
        k = int((sl < -tol).sum())
        p = binomial_upper_pvalue(k, reps, delta) if k else 1.0
        bound = R * math.sqrt(N * math.log(2 * N / delta) / (2 * m))
        out["worst_ratio"] = max(out["worst_ratio"], float(err.max()) / bound)
        out["reps"] += reps
        out["failures"] += k
        if p < ALPHA / len(cells) and not out["rejected"]:
            out["rejected"] = True
            out["counterexample"] = {"game": f"{c} × parity game, N = {N}", "m": m, "delta": delta, "failures": k,
                                     "reps": reps, "p_value": p}
    return out


ALPHA = 1e-6  # false-alarm probability of every randomized verdict here


def parity_game(N: int, ctx: RunContext) -> torch.Tensor:
    pc = games.popcount(N, ctx.device).to(ctx.dtype)
    return ((-1.0) ** pc - 1)[None]


def estimator_trial(ctx: RunContext, m_formula, *, N: int = 16, eps: float = 0.5, delta: float = 0.1,
                    understate_range: bool = False) -> dict:
    """Run the permutation estimator with the m a claim prescribes; count repetitions whose
    l2 error exceeds eps and test 'P(fail) <= delta' by an exact one-sided binomial test.
    ``understate_range``: the claim is told a range R four times too small (the assumption
    'bounded_marginals' with a wrong R)."""
    v = parity_game(N, ctx)
    phi = games.exact_shapley(v)
    R = float(games.marginal_range(v)[0]) / (4 if understate_range else 1)
    by_name = {"N": N, "R": R, "delta": delta, "epsilon": eps}
    mf = sp.sympify(m_formula)
    m = max(1, int(math.ceil(float(mf.subs({s_: by_name[s_.name] for s_ in mf.free_symbols})))))
    reps = ctx.size(200, 2000)
    est = games.sample_permutations(v, m, reps, seed=ctx.seed)
    err = torch.linalg.vector_norm(est[:, 0] - phi[0], dim=-1)
    k = int((err > eps).sum())
    p = binomial_upper_pvalue(k, reps, delta)
    return {"m": m, "reps": reps, "failures": k, "delta": delta, "p_value": p, "rejected": p < ALPHA,
            "worst_error_over_eps": float(err.max() / eps)}


def wrong_variants() -> list[Claim]:
    ax = THEOREM.claim("axioms")
    est = THEOREM.claim("estimator_envelope")
    Ns, Rs, ds = N_EST, R_EST, D_EST
    return [
        ax.variant("weight_N_minus_S", "weights |S|!(N−|S|)!/N!", sp.Eq(wsym, sp.factorial(s_) * sp.factorial(Nn - s_) / sp.factorial(Nn))),
        ax.variant("banzhaf", "Banzhaf weights 1/2^{N−1}", sp.Eq(wsym, sp.Integer(2) ** (1 - Nn))),
        ax.variant("uniform_weight", "weights 1/N² (ignoring |S|)", sp.Eq(wsym, 1 / Nn**2)),
        THEOREM.claim("closed_forms").variant("closed_forms_banzhaf", "Banzhaf weights 1/2^{N−1} against the closed forms", sp.Eq(wsym, sp.Integer(2) ** (1 - Nn))),
        est.variant("sample_size_no_N", "envelope without the factor N (an ℓ∞ rate for an ℓ2 target)",
                    sp.Le(ERR_EST, Rs * sp.sqrt(sp.log(2 * Ns / ds) / (2 * M_EST)))),
    ]


def estimator_curve(ctx: RunContext, N: int = 12) -> dict:
    """RMSE of the permutation estimator vs m on a random game: slope -1/2 on log-log."""
    v = games.random_games(1, N, seed=ctx.seed + 5, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)
    ms = [8, 16, 32, 64, 128, 256, 512, 1024] + ([2048, 4096] if ctx.profile == "thorough" else [])
    reps = ctx.size(200, 2000)
    rmse = []
    t0 = time.perf_counter()
    for m in ms:
        est = games.sample_permutations(v, m, reps, seed=ctx.seed + m)
        rmse.append(float(((est[:, 0] - phi[0]) ** 2).sum(-1).mean().sqrt()))
    wall = time.perf_counter() - t0
    fit = fit_loglog_slope(ms, rmse, level=1 - ALPHA)
    return {"ms": ms, "rmse": rmse, "fit": fit, "wall": wall, "reps": reps, "N": N}


def timing(ctx: RunContext, Ns) -> list[dict]:
    rows = []
    for N in Ns:
        games.check_fits(1, N, ctx.device, ctx.dtype)
        v = games.random_games(1, N, seed=ctx.seed, device=ctx.device, dtype=ctx.dtype)
        games.exact_shapley(v[:, : 2 ** min(N, 4)]) if N > 4 else None
        if ctx.device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        phi = games.exact_shapley(v)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - t0
        eff = float((phi.sum() - v[0, -1]).abs())
        rows.append({"N": N, "wall_s": wall, "efficiency_residual": eff})
    return rows


def experiments(ctx: RunContext) -> list[dict]:
    out = []
    # 1. chain of trust: closed form -> brute force (N! orders) -> fast exact code
    rows = {}
    ok = True
    for name, g_, phi in closed_form_games(ctx):
        fast = games.exact_shapley(g_)
        tol = round_tol(g_)[:, None]
        d_fast = float(((fast - phi).abs() / tol).max())
        N = g_.shape[1].bit_length() - 1
        d_brute = float(((games.brute_shapley(g_) - phi).abs() / tol).max()) if N <= 7 else None
        rows[name] = f"fast {d_fast:.2g}, brute {'—' if d_brute is None else f'{d_brute:.2g}'} (× rounding bound)"
        ok &= d_fast <= 1 and (d_brute is None or d_brute <= 1)
    w, q = UNSC
    ex = games.weighted_majority_exact(w, q)
    unsc_ok = ex[0] == Fraction(421, 2145) and ex[-1] == Fraction(4, 2145)
    out.append({"key": "chain_of_trust", "title": "Closed forms → brute force over N! orders → fast O(N·2^N) code",
                "instances": len(rows), "steps": None, "dim": None, "wall_s": None, "instances_per_s": None,
                "ok": ok and unsc_ok, "measured": rows | {"UNSC (exact DP)": f"permanent {ex[0]}, other {ex[-1]}"},
                "predicted": {"UNSC": "421/2145 and 4/2145", "deviation": "≤ 1 × rounding bound"}})
    # 2. axiom table per family, and the values that violate one axiom each
    v = games.random_games(ctx.size(16, 256), 8, seed=ctx.seed, device=ctx.device, dtype=ctx.dtype)
    w2 = games.random_games(v.shape[0], 8, seed=ctx.seed + 1, device=ctx.device, dtype=ctx.dtype)
    table = {"Shapley (random games)": axiom_residuals(games.exact_shapley, v, w2),
             "Shapley (network attribution, N = 10)": axiom_residuals(games.exact_shapley, model_game(ctx),
                                                                       games.random_games(1, 10, seed=3, device=ctx.device, dtype=ctx.dtype)),
             "Banzhaf": axiom_residuals(games.banzhaf, v, w2), "equal split": axiom_residuals(games.equal_split, v, w2)}
    expect_fail = {"Banzhaf": "efficiency", "equal split": "null player"}
    ok = all(all(r <= 1 for r in res.values()) for k, res in table.items() if k.startswith("Shapley")) and all(
        table[k][ax] > 1 for k, ax in expect_fail.items())
    out.append({"key": "axioms", "title": "Axiom residuals (÷ rounding bound; ≤ 1 holds): Shapley holds all, Banzhaf fails "
                "efficiency, equal split fails null player", "instances": v.shape[0], "steps": None, "dim": 8,
                "wall_s": None, "instances_per_s": None, "ok": ok,
                "measured": {k: ", ".join(f"{a} {r:.2g}" for a, r in res.items()) for k, res in table.items()},
                "predicted": {"Shapley": "all ≤ 1", "Banzhaf": "efficiency > 1", "equal split": "null player > 1"}})
    # 3. estimator: slope and envelope
    cur = estimator_curve(ctx)
    fit = cur["fit"]
    env = estimator_trial(ctx, PREDICTED["sample_size"])
    out.append({"key": "estimator", "title": f"Permutation estimator on a random game (N = {cur['N']}): RMSE vs m",
                "instances": cur["reps"] * len(cur["ms"]), "steps": None, "dim": cur["N"], "wall_s": cur["wall"],
                "instances_per_s": None, "ok": fit.contains(-0.5) and not env["rejected"],
                "formula": r"\mathrm{RMSE}\propto m^{-1/2}",
                "measured": {"slope": fit.slope, "interval": f"[{fit.lo:.4f}, {fit.hi:.4f}] at level 1 − {ALPHA:g}",
                             "envelope failures": f"{env['failures']}/{env['reps']} at m = {env['m']} (δ = {env['delta']})"},
                "predicted": {"slope": -0.5, "envelope": "P(ℓ2 error > ε) ≤ δ"},
                "plot": {"xlabel": "permutations m", "ylabel": "RMSE (ℓ2)", "xscale": "log", "yscale": "log",
                         "series": [{"label": "measured", "kind": "points", "x": cur["ms"], "y": cur["rmse"]},
                                    {"label": "fitted slope", "kind": "line", "x": cur["ms"],
                                     "y": [math.exp(fit.intercept) * m ** fit.slope for m in cur["ms"]]},
                                    {"label": "m^(−1/2) through the first point", "kind": "line", "x": cur["ms"],
                                     "y": [cur["rmse"][0] * (m / cur["ms"][0]) ** -0.5 for m in cur["ms"]]}]}})
    # 4. the difference-based estimator (§10.2.1, Theorem 10.2.5) vs the permutation estimator
    ev = evaluations_for_target(ctx, Ns=ctx.size((8, 12, 16), (8, 12, 16, 20)))
    out.append({"key": "estimator_budgets", "title": "Utility evaluations for an ℓ2 RMSE ≤ 10% of ‖s‖ (random games; budgets doubled until met)",
                "instances": None, "steps": None, "dim": None, "wall_s": None, "instances_per_s": None, "ok": None,
                "measured": {f"N={r['N']}": f"permutation {r['permutation_evals']}, difference-based {r['group_testing_evals']}" for r in ev},
                "predicted": {"Jia et al. (2019)": "O(√N (log N)²) evaluations for the group-testing estimator, vs O(N log N) "
                              "for permutation sampling (their analysis, for games with bounded utilities)"},
                "plot": {"xlabel": "N", "ylabel": "utility evaluations", "xscale": "linear", "yscale": "log",
                         "series": [{"label": "permutation", "kind": "points", "x": [r["N"] for r in ev], "y": [r["permutation_evals"] for r in ev]},
                                    {"label": "difference-based (group testing)", "kind": "points", "x": [r["N"] for r in ev],
                                     "y": [r["group_testing_evals"] for r in ev]}]}})
    # 5. exact values at scale
    Ns = ctx.size([12, 16, 20], [20, 24, 26, 28])
    rows = timing(ctx, Ns)
    out.append({"key": "timing", "title": "Exact values for all players from 2^N coalition values",
                "instances": len(rows), "steps": None, "dim": None, "wall_s": sum(r["wall_s"] for r in rows),
                "instances_per_s": None, "ok": all(r["efficiency_residual"] <= gamma(2 ** r["N"]) * 4 * r["N"] * 5 for r in rows),
                "measured": {f"N={r['N']}": f"{r['wall_s']:.3f} s" for r in rows}, "predicted": {"work": "O(N·2^N)"},
                "plot": {"xlabel": "N", "ylabel": "seconds", "xscale": "linear", "yscale": "log",
                         "series": [{"label": "wall time", "kind": "points", "x": [r["N"] for r in rows], "y": [r["wall_s"] for r in rows]}]}})
    return out


def evaluations_for_target(ctx: RunContext, Ns=(8, 12, 16), target_rel: float = 0.1, reps: int = 100) -> list[dict]:
    """Utility evaluations each estimator needs for an ℓ2 RMSE ≤ target_rel·‖s‖ (random games):
    the permutation estimator costs N evaluations per order, the difference-based (group
    testing) estimator one per sampled coalition.  Budgets double until the target is met."""
    rows = []
    for N in Ns:
        v = games.random_games(1, N, seed=ctx.seed + N, device=ctx.device, dtype=ctx.dtype)
        phi = games.exact_shapley(v)[0]
        target = target_rel * float(torch.linalg.vector_norm(phi))
        row = {"N": N, "target_l2": target}
        m = 1
        while True:
            est = games.sample_permutations(v, m, reps, seed=ctx.seed + m)[:, 0]
            if float(((est - phi) ** 2).sum(-1).mean().sqrt()) <= target or m > 2**16:
                row["permutation_evals"] = m * N
                break
            m *= 2
        T = 8
        while True:
            est = games.group_testing_estimate(v, T, reps, seed=ctx.seed + T)
            if float(((est - phi) ** 2).sum(-1).mean().sqrt()) <= target or T > 2**22:
                row["group_testing_evals"] = T
                break
            T *= 2
        rows.append(row)
    return rows


def tightness(ctx: RunContext) -> list[dict]:
    env = estimator_trial(ctx, PREDICTED["sample_size"])
    return [{"quantity": "permutation-estimator sample size for ℓ2 error ε w.p. 1 − δ",
             "setting": f"parity game, N = 16, ε = 0.5, δ = {env['delta']}", "textbook": "N R² ln(2N/δ)/(2ε²)",
             "best_known": "—", "pepit": "—",
             "measured": f"m = {env['m']}: worst ℓ2 error = {env['worst_error_over_eps']:.3f} ε",
             "verdict": Verdict.LOOSE.value if env["worst_error_over_eps"] < 1 else Verdict.VERIFIED.value}]
