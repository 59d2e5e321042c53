"""Transitional alias of :mod:`dlverify.numerics.pac_bayes_primitives` (the old name, too close to
the numeric side ``pac_bayes``) for the files that still import it: numerics/bench.py,
reports/trust.py, checks/test_bench.py.  Delete it once they import ``pac_bayes_primitives``."""

from dlverify.numerics.pac_bayes_primitives import check_probability, sample_empirical_risks

__all__ = ["check_probability", "sample_empirical_risks"]
