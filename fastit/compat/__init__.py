"""Drop-in twins of scikit-learn's and SciPy's information-theory functions.

- :mod:`fastit.compat.sklearn`: ``mutual_info_regression``, ``mutual_info_classif`` and
  ``_compute_mi`` with scikit-learn's signatures, validation and numbers, on fastit's
  compiled core; ``patch()`` / ``unpatch()`` route scikit-learn's own functions to them.
- :mod:`fastit.compat.scipy`: ``entropy`` and ``differential_entropy`` with SciPy's
  signatures, dtypes, errors and numbers.

Each twin reproduces its peer bug for bug (that is the point of a drop-in); where the
peer's answer is known to be wrong, the twin's docstring names the fastit function that
gets it right.  Importing :mod:`fastit.compat` imports neither peer; each submodule
imports its own (scikit-learn is an optional dependency: ``pip install fastit[sklearn]``).
"""
