"""The claim model's face: everything a theorem module or a pack needs, from one import.

The model is split by job, each concept in one file:

* :mod:`dlverify.theorems.model` -- what a theorem says: :class:`Source`, :class:`Assumption`,
  :class:`Step`, :class:`Claim`, :class:`SourceLine`, :class:`Theorem`;
* :mod:`dlverify.theorems.kernel` -- the proof kernel: certificates (:class:`Simplification`,
  :class:`Monomials`, :class:`SumOfSquares`, :class:`Combination`, :class:`SumOfFacts`,
  :class:`Unfold`, :class:`CriticalPoint`, :class:`Instance`, :class:`Equivalence`) and
  :func:`check_derivation`;
* :mod:`dlverify.theorems.evidence` -- typed evidence, its gathering (:func:`assess`,
  :func:`judge_line`) and the only functions that make verdicts;
* :mod:`dlverify.theorems.sourcefile` -- the sources as data (one TOML file per document).
"""

from __future__ import annotations

from .evidence import (  # noqa: F401 - re-exported
    Basis,
    ClaimResult,
    Comparison,
    Experiment,
    LineJudgement,
    Measure,
    Measurement,
    Plot,
    ProofRef,
    Rate,
    Series,
    TightnessRow,
    Verdict,
    assess,
    decide,
    exact_measurement,
    find_proof,
    judge_line,
    judge_source_line,
    point_measurement,
    theorem_outcome,
    tightness_verdict,
)
from .kernel import (  # noqa: F401 - re-exported
    Certificate,
    Combination,
    CriticalPoint,
    Decided,
    Equivalence,
    Instance,
    Mark,
    Monomials,
    Simplification,
    StepMark,
    SumOfFacts,
    SumOfSquares,
    Unfold,
    certified_positive,
    certify,
    check_derivation,
    exact_counterexample,
    nonneg_by_monomials,
    positivity_references,
    references,
    unfolded_definitions,
)
from .model import (  # noqa: F401 - re-exported
    SCHEMA_VERSION,
    Assumption,
    Claim,
    Source,
    SourceLine,
    Step,
    Theorem,
)
from .relations import DlverifyError, is_strict, same_relation, slack  # noqa: F401
from .sourcefile import book_section, source_lines  # noqa: F401 - re-exported
