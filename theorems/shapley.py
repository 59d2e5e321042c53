r"""Shapley values: the two formulas, the four axioms, uniqueness, differences, estimators -- Arora et al. §10.2.

Statement.  For a game :math:`U:2^{[N]}\to\mathbb{R}`, Definition 10.2.1 (expected marginal
contribution over a uniformly random order) and Problem 10.2.2 (the subset formula) agree:

.. math:: s_i=\mathbb{E}_\pi\big[U(\pi_{\le i})-U(\pi_{<i})\big]
            =\sum_{k=0}^{N-1}\frac{k!\,(N-k-1)!}{N!}\,m_{i,k},\qquad
          m_{i,k}=\sum_{S\not\ni i,\,|S|=k}\big(U(S\cup\{i\})-U(S)\big).

It satisfies symmetry, linearity, the null-player axiom, and efficiency in the form
:math:`\sum_i s_i=U([N])-U(\emptyset)`; it is the only linear map that does (Theorem 10.2.3).
Finding: with efficiency as the book states it, :math:`\sum_i s_i=U([N])`, the axioms hold and
determine the value only on games with :math:`U(\emptyset)=0` (for :math:`U(\emptyset)\ne0` no value
satisfies them: the constant game makes every player null).  Theorem 10.2.5:
:math:`s_i-s_j=\sum_{k=0}^{N-2}\frac{k!(N-k-2)!}{(N-1)!}\,g_{k}` with
:math:`g_k=\sum_{S\subseteq[N]\setminus\{i,j\},|S|=k}(U(S\cup i)-U(S\cup j))`; its weight is the sum
of two neighbouring Shapley weights, :math:`w(k)+w(k+1)`, an identity proved for every N here.

Estimator (§10.2.1): with m uniformly random orders and :math:`|U(S\cup i)-U(S)|\le R` (a range of
width 2R), Hoeffding per player and a union bound over the N players give, with probability at
least :math:`1-\delta`, :math:`\max_i|\hat s_i-s_i|\le R\sqrt{2\ln(2N/\delta)/m}` and
:math:`\|\hat s-s\|_2\le R\sqrt{2N\ln(2N/\delta)/m}`; so :math:`m\ge 2NR^2\ln(2N/\delta)/\varepsilon^2`
orders give :math:`\ell_2` error :math:`\varepsilon`: the book's :math:`O(R^2N\log N/\varepsilon^2)`.

What is proved and what is measured.  Identities in the weights (the two forms of the subset
formula, the weight of Theorem 10.2.5) are proved for every N by sympy; the axioms, the
uniqueness and the differences are certified on the generic game (one symbol per coalition) of
N = 3 and N = 4 players.  The claims over games of any N (instance quantities computed by
``numerics/shapley.py``) are measured, not proved: a certificate on the 3-player generic game
is not a proof for N players, so no claim points at one.

Sources: ``002_9b9f6b48f7568a99.txt`` lines 2463-2529 (Arora et al., §10.2-10.2.1).
This module is pure sympy (no torch): the numeric side is ``dlverify.numerics.shapley``.
"""  # noqa: E501 - the summary line; the docstring is raw, so it cannot be continued with a backslash

from __future__ import annotations

import itertools

import sympy as sp

from .core import (
    Assumption,
    Certificate,
    Claim,
    Combination,
    Mark,
    Simplification,
    Source,
    Step,
    Unfold,
    nonneg_by_monomials,
    slack,
)
from .sourcefile import book_section

# ----------------------------------------------------------------------------- symbols
s_ = sp.Symbol("s", integer=True, nonnegative=True)
#: the number of players: one symbol for the exact sums and the estimator's bounds
Nn = sp.Symbol("N", integer=True, positive=True)
k_ = sp.Symbol("k", integer=True, nonnegative=True)
#: the Shapley weight of a coalition of size s among N players (Problem 10.2.2)
WEIGHT = sp.factorial(s_) * sp.factorial(Nn - s_ - 1) / sp.factorial(Nn)
#: the weight of Theorem 10.2.5 (coalitions without i and j)
DIFF_WEIGHT = sp.factorial(s_) * sp.factorial(Nn - s_ - 2) / sp.factorial(Nn - 1)
W_SYM = sp.Symbol("w")

# instance quantities (computed per game by the numeric side)
s_sum, v_full, v_empty = sp.symbols("s_sum v_full v_empty", real=True)
s_a, s_b, gap_sym = sp.symbols("s_a s_b gap_sym", real=True)
s_null, gap_null = sp.symbols("s_null gap_null", real=True)
s_comb, s_u, s_w, alpha, beta = sp.symbols("s_comb s_u s_w alpha beta", real=True)
s_perm, s_diff, s_fast, s_closed, d_gt = sp.symbols("s_perm s_diff s_fast s_closed d_gt", real=True)
#: per player, the sums of marginal contributions by coalition size: mc[k] (k = 0..N-1)
m_ = sp.IndexedBase("mc", real=True)
#: per pair (i, j), the sums of U(S + i) - U(S + j) over S without i, j, by size: gc[k] (k = 0..N-2)
g_ = sp.IndexedBase("gc", real=True)
uniq_sub, uniq_book, uniq_no_null = sp.symbols("uniq_sub uniq_book uniq_no_null", real=True)
# the estimator: m orders, N players, R = max |U(S + i) - U(S)|, failure probability delta
M_EST, R_EST, D_EST, E_EST = sp.symbols("m R delta epsilon", positive=True)
N_EST = Nn
ERR, ERR_MAX = sp.symbols("err err_max", nonnegative=True)  # ||ŝ - s||_2 and max_i |ŝ_i - s_i|
MARG = sp.Symbol("marg_max", nonnegative=True)  # max over S, i of |U(S + i) - U(S)|
N_EVALS = sp.Symbol("n_evals", nonnegative=True)  # distinct coalitions valued per run of the estimator
#: the method of 2520-2522: |ŝ_1 − s_1| and max_i |(ŝ_1 − ŝ_i) − (s_1 − s_i)|, the errors of its two steps
ERR_S1, ERR_DIFF = sp.symbols("err_s1 err_diff", nonnegative=True)


def subset_sum(weight, upper) -> sp.Expr:
    """sum_{k=0}^{upper} weight(k) m[k]: the subset formula, grouped by coalition size."""
    return sp.Sum(weight.subs(s_, k_) * m_[k_], (k_, 0, upper))


def diff_sum(weight) -> sp.Expr:
    return sp.Sum(weight.subs(s_, k_) * g_[k_], (k_, 0, Nn - 2))


# ----------------------------------------------------------------------------- generic games


def _game(N: int, name: str = "v"):
    def lab(S):
        members = [str(k + 1) for k in range(N) if S >> k & 1]
        return name + "_{" + (",".join(members) if members else r"\emptyset") + "}"

    return [sp.Symbol(lab(S)) for S in range(2**N)]


def subset_formula(v, N: int, i: int, weight=WEIGHT):
    return sum(
        weight.subs({s_: bin(S).count("1"), Nn: N}) * (v[S | 1 << i] - v[S])
        for S in range(2**N)
        if not S >> i & 1
    )


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


UNIQ3 = {
    (False, True): sp.Symbol("uniq_{sub}^{(3)}"),
    (True, False): sp.Symbol("uniq_{book}^{(3)}"),
    (False, False): sp.Symbol("uniq_{book, all games}^{(3)}"),
}


class UniqueLinearSolution(Certificate):
    """Solve the axioms' linear system for an unknown linear map A on games of N players and
    check that the solution is unique and equals the Shapley matrix (relation
    ``uniq = 1``); with ``expect_inconsistent`` that the system has no solution (``uniq = 0``).

    ``zero_empty``: the space of games is {v : v(∅) = 0} (A has no column for ∅);
    ``efficiency_subtracts_empty``: efficiency reads Σ_i s_i = v(N) − v(∅), else Σ_i s_i = v(N).
    The relation must be ``Eq(label, 1)`` (or ``0``) for the label of this system: the
    certificate proves that statement and no other.
    """

    name = "solution set of the axioms' linear system"

    def __init__(
        self, N: int, *, zero_empty: bool, efficiency_subtracts_empty: bool, expect_inconsistent: bool = False
    ):
        self.N, self.zero_empty, self.sub_empty, self.inconsistent = (
            N,
            zero_empty,
            efficiency_subtracts_empty,
            expect_inconsistent,
        )

    def label(self):
        return UNIQ3[(self.zero_empty, self.sub_empty)]

    def describe(self):
        return (
            "the axioms' linear system has no solution"
            if self.inconsistent
            else "the axioms' linear system has exactly one solution, the Shapley matrix"
        )

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
        want = sp.Eq(self.label(), 0 if self.inconsistent else 1)
        if rel != want:
            return Mark(False, f"this certificate proves {sp.sstr(want)}, not {sp.sstr(rel)}")
        A, cols, eqs = self.system()
        unknowns = list(A.values())
        sol = sp.linsolve(eqs, unknowns)
        if self.inconsistent:
            ok = sol == sp.EmptySet
            return Mark(
                ok,
                "no solution: the axioms contradict each other on this class"
                if ok
                else "the system has a solution",
            )
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


class LogEquivalence(Certificate):
    """P: a <= b with a, b > 0 is equivalent to log a <= log b (log is strictly increasing);
    then log b − log a = factor · slack(A) with factor > 0 proves P ⇔ A.  The logarithms are
    expanded without ``force``: the symbols' declared positivity is what licenses it."""

    name = "logarithm (strictly increasing) and a positive factor"

    def __init__(self, factor):
        self.factor = factor

    def describe(self):
        return f"log both sides; log b − log a = ({sp.sstr(self.factor)}) · slack(A)"

    def check(self, rel, facts):
        if not isinstance(rel, sp.Equivalent) or len(rel.args) != 2:
            return Mark(False, "needs Equivalent(P, A)")
        p, a = rel.args
        if not nonneg_by_monomials(self.factor, positive=True).ok:
            return Mark(False, "factor not certified positive")
        for P, A in ((p, a), (a, p)):
            if not isinstance(P, sp.LessThan) or not isinstance(A, (sp.LessThan, sp.GreaterThan)):
                continue
            if not (P.lhs.is_positive and P.rhs.is_positive):
                continue
            lhs = sp.expand_log(sp.log(P.rhs) - sp.log(P.lhs))
            if sp.simplify(lhs - self.factor * slack(A)) == 0:
                return Mark(True, self.describe())
        return Mark(False, "log b − log a is not a positive multiple of slack(A)")


ASSUMPTIONS = [
    Assumption(
        "value",
        "s is the value with weights w(|S|) = |S|!(N−|S|−1)!/N! (Problem 10.2.2)",
        sp.Eq(W_SYM, WEIGHT),
        latex=r"w(|S|)=\frac{|S|!(N-|S|-1)!}{N!}",
        definition=True,
    ),
    Assumption("zero_empty", "U(∅) = 0", sp.Eq(v_empty, 0), latex=r"U(\emptyset)=0"),
    Assumption(
        "symmetric",
        "U(S ∪ {a}) = U(S ∪ {b}) for every S without a, b",
        sp.Eq(gap_sym, 0),
        latex=r"\max_{S\not\ni a,b}|U(S\cup a)-U(S\cup b)|=0",
    ),
    Assumption(
        "null_player",
        "U(S ∪ {i}) = U(S) for every S without i",
        sp.Eq(gap_null, 0),
        latex=r"\max_{S\not\ni i}|U(S\cup i)-U(S)|=0",
    ),
    Assumption(
        "method_s1",
        "step (1) of the method: |ŝ_1 − s_1| ≤ ε/(2√N) (002:2522)",
        sp.Le(ERR_S1, E_EST / (2 * sp.sqrt(Nn))),
        latex=r"|\hat s_1-s_1|\le\frac{\epsilon}{2\sqrt N}",
    ),
    Assumption(
        "method_diff",
        "step (2) of the method: every |(ŝ_1 − ŝ_i) − (s_1 − s_i)| ≤ ε/(2√N) (002:2522)",
        sp.Le(ERR_DIFF, E_EST / (2 * sp.sqrt(Nn))),
        latex=r"\max_i|\widehat{s_1-s_i}-(s_1-s_i)|\le\frac{\epsilon}{2\sqrt N}",
    ),
    Assumption(
        "method_triangle",
        "the method's estimate ŝ_i = ŝ_1 − (ŝ_1 − ŝ_i): by the triangle inequality every "
        "|ŝ_i − s_i| ≤ |ŝ_1 − s_1| + |(ŝ_1 − ŝ_i) − (s_1 − s_i)|",
        sp.Le(ERR_MAX, ERR_S1 + ERR_DIFF),
    ),
    Assumption(
        "l2_linf",
        "‖v‖₂ ≤ √N max_i |v_i| for v ∈ ℝᴺ (each of the N squares is at most the largest)",
        sp.Le(ERR, sp.sqrt(Nn) * ERR_MAX),
    ),
    Assumption(
        "bounded_marginals",
        "|U(S ∪ {i}) − U(S)| ≤ R for all S, i (§10.2.1)",
        sp.Le(MARG, R_EST),
        latex=r"\max_{S,i}|U(S\cup i)-U(S)|\le R",
    ),
]

_sym3 = _sym_subs(V3, N3, 0, 1)
_null3 = _null_subs(V3, N3, 2)
mp, ep, Rp, dp = sp.symbols("m epsilon R delta", positive=True)
Np = Nn

DERIVATION = [
    Step(
        "perm_eq_subset",
        "Definition 10.2.1 = Problem 10.2.2 for each player (generic game, N = 3)",
        sp.Eq(sp.Matrix([permutation_formula(V3, N3, i) for i in range(N3)]), PHI3, evaluate=False),
        Simplification(),
    ),
    Step(
        "weight_binomial",
        "the two forms of Problem 10.2.2: |S|!(N−|S|−1)!/N! = 1/(N·C(N−1, |S|)), every N",
        sp.Eq(WEIGHT, 1 / (Nn * sp.binomial(Nn - 1, s_))),
        Simplification(),
    ),
    Step(
        "efficiency",
        "efficiency: Σ_i s_i = v(N) − v(∅) (generic game, N = 3)",
        sp.Eq(sum(PHI3), V3[-1] - V3[0], evaluate=False),
        Simplification(),
    ),
    Step(
        "efficiency_coefficient",
        "efficiency, every N: the coefficient of U(T), 0 < |T| = t < N, in Σ_i s_i "
        "is t·w(t−1) − (N−t)·w(t) = 0",
        sp.Eq(s_ * WEIGHT.subs(s_, s_ - 1) - (Nn - s_) * WEIGHT, 0),
        Simplification(),
    ),
    Step(
        "efficiency_full",
        "efficiency, every N: the coefficient of U([N]) is N·w(N−1) = 1 and of U(∅) is −N·w(0) = −1",
        sp.Eq(Nn * WEIGHT.subs(s_, Nn - 1), 1),
        Simplification(),
    ),
    Step(
        "symmetry",
        "symmetry: players 1 and 2 symmetric ⇒ s_1 = s_2 (the symmetric generic game, N = 3)",
        sp.Eq(PHI3[0].subs(_sym3), PHI3[1].subs(_sym3), evaluate=False),
        Simplification(),
    ),
    Step(
        "null_player",
        "null player: v(S ∪ 3) = v(S) for all S ⇒ s_3 = 0 (the generic game with 3 null, N = 3)",
        sp.Eq(PHI3[2].subs(_null3), 0, evaluate=False),
        Simplification(),
    ),
    Step(
        "linearity",
        "linearity: s(αv + βw) = α s(v) + β s(w) (generic games, N = 3)",
        sp.Eq(
            sp.Matrix([subset_formula([al * a + be * b for a, b in zip(V3, W3)], N3, i) for i in range(N3)]),
            al * PHI3 + be * sp.Matrix([subset_formula(W3, N3, i) for i in range(N3)]),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "uniqueness",
        "Theorem 10.2.3 (N = 3): the only linear map with efficiency (Σ s = v(N) − v(∅)), symmetry and "
        "null player is the Shapley map",
        sp.Eq(UNIQ3[(False, True)], 1),
        UniqueLinearSolution(3, zero_empty=False, efficiency_subtracts_empty=True),
    ),
    Step(
        "uniqueness_zero_empty",
        "on games with v(∅) = 0 and efficiency Σ s = v(N): unique, the Shapley map (N = 3)",
        sp.Eq(UNIQ3[(True, False)], 1),
        UniqueLinearSolution(3, zero_empty=True, efficiency_subtracts_empty=False),
    ),
    Step(
        "inconsistent_nonzero_empty",
        "with Σ s = v(N) on all games (v(∅) free) the axioms have no solution (N = 3)",
        sp.Eq(UNIQ3[(False, False)], 0),
        UniqueLinearSolution(3, zero_empty=False, efficiency_subtracts_empty=False, expect_inconsistent=True),
    ),
    Step(
        "differences",
        "Theorem 10.2.5 (generic game, N = 4): s_1 − s_2 = Σ_{S ⊆ N∖{1,2}} |S|!(N−|S|−2)!/(N−1)! "
        "(v(S∪1) − v(S∪2))",
        sp.Eq(
            subset_formula(V4, 4, 0) - subset_formula(V4, 4, 1),
            sum(
                DIFF_WEIGHT.subs({s_: bin(S).count("1"), Nn: 4}) * (V4[S | 1] - V4[S | 2])
                for S in range(16)
                if not S & 3
            ),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "diff_weight_sum",
        "Theorem 10.2.5, every N: splitting S ∌ i by whether it holds j, the weight of "
        "U(S∪i) − U(S∪j) is w(|S|) + w(|S|+1) = |S|!(N−|S|−2)!/(N−1)!",
        sp.Eq(WEIGHT + WEIGHT.subs(s_, s_ + 1), DIFF_WEIGHT),
        Simplification(),
    ),
    Step(
        "diff_weight_binomial",
        "the form of Theorem 10.2.5 as printed: |S|!(N−|S|−2)!/(N−1)! = 1/((N−1)·C(N−2, |S|))",
        sp.Eq(DIFF_WEIGHT, 1 / ((Nn - 1) * sp.binomial(Nn - 2, s_))),
        Simplification(),
    ),
    Step(
        "hoeffding",
        "Hoeffding per player (range 2R) at ε/√N and a union bound over N players: "
        "2N exp(−2m(ε/√N)²/(2R)²) ≤ δ ⇔ m ≥ 2N R² ln(2N/δ)/ε²",
        sp.Equivalent(
            sp.Le(2 * Np * sp.exp(-2 * mp * (ep / sp.sqrt(Np)) ** 2 / (2 * Rp) ** 2), dp),
            sp.Ge(mp, 2 * Np * Rp**2 * sp.log(2 * Np / dp) / ep**2),
        ),
        LogEquivalence(ep**2 / (2 * Np * Rp**2)),
    ),
]
# 002:2522: the budgets of the method's two steps add up to the naive method's ℓ2 accuracy ε
DERIVATION.append(
    Step(
        "method_l2",
        "the method of 2520-2522: |ŝ_i − s_i| ≤ ε/(2√N) + ε/(2√N) = ε/√N for every i, so ‖ŝ − s‖₂ ≤ ε",
        sp.Le(ERR, E_EST),
        Combination(
            {
                "l2_linf": 1,
                "method_triangle": sp.sqrt(Nn),
                "method_s1": sp.sqrt(Nn),
                "method_diff": sp.sqrt(Nn),
            }
        ),
    )
)
# (a Step's relation above is a certified identity of the generic game; none of them is over the
# instance quantities of the claims below, so no claim is "proved" by a 3-player certificate)
_ = Unfold  # noqa: F841 - kept importable for readers extending the derivation

# ----------------------------------------------------------------------------- claims
ENVELOPE_L2 = R_EST * sp.sqrt(2 * N_EST * sp.log(2 * N_EST / D_EST) / M_EST)
ENVELOPE_LINF = R_EST * sp.sqrt(2 * sp.log(2 * N_EST / D_EST) / M_EST)
_est_domain = (sp.Lt(D_EST, 1), sp.Ge(N_EST, 2), sp.Ge(M_EST, 1))

CLAIMS = [
    Claim(
        "subset_formula",
        "Problem 10.2.2: the average over all N! orders of (10.1) equals the subset formula "
        "Σ_k k!(N−k−1)!/N! · m_k (brute force over permutations, N ≤ 7)",
        sp.Eq(s_perm, subset_sum(WEIGHT, Nn - 1)),
    ),
    Claim(
        "efficiency",
        "efficiency: Σ_i s_i = U([N]) − U(∅) on every game",
        sp.Eq(s_sum, v_full - v_empty),
        ("value",),
    ),
    Claim(
        "efficiency_zero_empty",
        "efficiency as the book states it, Σ_i s_i = U([N]), on games with U(∅) = 0",
        sp.Eq(s_sum, v_full),
        ("value", "zero_empty"),
    ),
    Claim(
        "symmetry",
        "symmetry: players a, b with U(S∪a) = U(S∪b) for all S get s_a = s_b",
        sp.Eq(s_a, s_b),
        ("value", "symmetric"),
    ),
    Claim(
        "null_player",
        "null player: U(S∪i) = U(S) for all S gives s_i = 0",
        sp.Eq(s_null, 0),
        ("value", "null_player"),
    ),
    Claim(
        "linearity",
        "linearity: s(αU + βW) = α s(U) + β s(W)",
        sp.Eq(s_comb, alpha * s_u + beta * s_w),
        ("value",),
    ),
    Claim(
        "closed_forms",
        "the fast exact values equal the closed forms (unanimity sums, airport, glove, UN Security "
        "Council by exact DP, additive, symmetric)",
        sp.Eq(s_fast, s_closed),
        ("value",),
        tight_on="closed-form games",
    ),
    Claim(
        "differences",
        "Theorem 10.2.5: s_i − s_j = Σ_k k!(N−k−2)!/(N−1)! · g_k",
        sp.Eq(s_diff, diff_sum(DIFF_WEIGHT)),
        ("value",),
    ),
    Claim(
        "uniqueness",
        "Theorem 10.2.3 with efficiency Σ s = U([N]) − U(∅): the Shapley map is the only linear map "
        "satisfying the four axioms on all games (exact linear algebra, N = 1..4)",
        sp.Eq(uniq_sub, 1),
    ),
    Claim(
        "uniqueness_zero_empty",
        "Theorem 10.2.3 with efficiency Σ s = U([N]): the only one, on games with U(∅) = 0 "
        "(exact linear algebra, N = 1..4)",
        sp.Eq(uniq_book, 1),
        ("zero_empty",),
    ),
    Claim(
        "estimator_envelope",
        "permutation estimator with m orders, |U(S∪i) − U(S)| ≤ R: with probability ≥ 1 − δ "
        "the ℓ2 error is at most R √(2N ln(2N/δ)/m) (i.e. m ≥ 2N R² ln(2N/δ)/ε² orders give error ≤ ε)",
        sp.Le(ERR, ENVELOPE_L2),
        ("bounded_marginals",),
        domain=_est_domain,
        sharper=sp.Le(ERR, ENVELOPE_L2 / 2),
    ),
    Claim(
        "estimator_linf",
        "permutation estimator: with probability ≥ 1 − δ every player's error is at most "
        "R √(2 ln(2N/δ)/m) (Hoeffding on a range 2R, union bound over N players)",
        sp.Le(ERR_MAX, ENVELOPE_LINF),
        ("bounded_marginals",),
        domain=_est_domain,
    ),
]

_by = {c.key: c for c in CLAIMS}
WRONG_VARIANTS = [
    _by["subset_formula"].variant(
        "banzhaf",
        "Banzhaf weights 1/2^{N−1} in the subset formula",
        sp.Eq(s_perm, subset_sum(sp.Integer(2) ** (1 - Nn), Nn - 1)),
    ),
    _by["subset_formula"].variant(
        "weight_N_minus_S",
        "weights |S|!(N−|S|)!/N!",
        sp.Eq(s_perm, subset_sum(sp.factorial(s_) * sp.factorial(Nn - s_) / sp.factorial(Nn), Nn - 1)),
    ),
    _by["efficiency"].variant(
        "efficiency_twice_empty", "Σ s = U([N]) − 2U(∅)", sp.Eq(s_sum, v_full - 2 * v_empty)
    ),
    _by["efficiency_zero_empty"].variant(
        "efficiency_as_written_all_games", "Σ s = U([N]) on all games (U(∅) free)", assumptions=("value",)
    ),
    _by["symmetry"].variant(
        "symmetry_without_symmetric_players",
        "s_a = s_b for players that are not symmetric",
        assumptions=("value",),
    ),
    _by["null_player"].variant(
        "null_without_null_player", "s_i = 0 for a player that is not null", assumptions=("value",)
    ),
    _by["linearity"].variant(
        "linearity_drops_beta", "s(αU + βW) = α s(U) + s(W)", sp.Eq(s_comb, alpha * s_u + s_w)
    ),
    _by["closed_forms"].variant(
        "closed_forms_halved", "the exact values are half the closed forms", sp.Eq(2 * s_fast, s_closed)
    ),
    _by["differences"].variant(
        "differences_over_N",
        "Theorem 10.2.5 with N! in place of (N−1)!",
        sp.Eq(s_diff, diff_sum(sp.factorial(s_) * sp.factorial(Nn - s_ - 2) / sp.factorial(Nn))),
    ),
    _by["uniqueness"].variant(
        "uniqueness_without_null_player",
        "uniqueness from efficiency, symmetry and linearity alone (no null-player axiom)",
        sp.Eq(uniq_no_null, 1),
    ),
    _by["uniqueness_zero_empty"].variant(
        "uniqueness_as_written_all_games", "Σ s = U([N]) and uniqueness on all games", assumptions=()
    ),
    _by["estimator_envelope"].variant(
        "sample_size_no_N",
        "envelope without the factor N (an ℓ∞ rate for an ℓ2 target)",
        sp.Le(ERR, ENVELOPE_LINF),
    ),
    _by["estimator_envelope"].variant(
        "envelope_without_range_bound",
        "the envelope with an R that does not bound the marginal contributions",
        assumptions=(),
    ),
    _by["estimator_linf"].variant(
        "linf_range_R",
        "per-player Hoeffding with range R instead of 2R",
        sp.Le(ERR_MAX, R_EST * sp.sqrt(sp.log(2 * N_EST / D_EST) / (2 * M_EST))),
    ),
]

PREDICTED = {
    "weight": WEIGHT,
    "estimator_slope": sp.Rational(-1, 2),
    "sample_size": 2 * N_EST * R_EST**2 * sp.log(2 * N_EST / D_EST) / E_EST**2,
}

#: the UN Security Council as the weighted majority game [39; 7, 7, 7, 7, 7, 1 × 10]
UNSC = ([7] * 5 + [1] * 10, 39)

# ----------------------------------------------------------------------------- the source, as written


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="shapley",
    title="Shapley values: axioms, uniqueness, estimators",
    source=Source(
        "Arora et al., Theory of Deep Learning",
        "§10.2",
        "Definition 10.2.1, Problem 10.2.2, Theorems 10.2.3 and 10.2.5, §10.2.1",
    ),
    statement=r"s_i=\sum_{S\subseteq[N]\setminus\{i\}}\frac{|S|!\,(N-|S|-1)!}{N!}\big(U(S\cup\{i\})-U(S)\big)",
    latex_names={
        s_sum: r"\textstyle\sum_i s_i",
        v_full: r"U([N])",
        v_empty: r"U(\emptyset)",
        ERR: r"\|\hat s-s\|_2",
        ERR_MAX: r"\max_i|\hat s_i-s_i|",
        s_perm: r"s_i^{\pi}",
        s_diff: r"s_i-s_j",
        s_fast: r"s_i",
        s_closed: r"s_i^{\mathrm{closed}}",
        s_comb: r"s(\alpha U+\beta W)",
        s_u: r"s(U)",
        s_w: r"s(W)",
        d_gt: r"\mathbb{E}[Z U(S)(\beta_i-\beta_j)]",
        MARG: r"\max|U(S\cup i)-U(S)|",
        N_EVALS: r"\#U",
    },
)
