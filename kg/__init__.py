"""evidence-kg: what each treatment does for back and hip pain, how sure we are, and who says so.

>>> import kg
>>> g = kg.load()            # the bundled, curated data (validated)
>>> g.evidence.shape[0] > 0
True
"""

import kg.diff as _diff_package  # noqa: F401  (loaded first, so that the name `kg.diff` below stays the function)
from kg import extract as _extraction  # noqa: F401  the kg.extract package, loaded before the function below
from kg.api import EvidenceGraph, diff, extract, import_, load  # kg.extract(text, graph, source=...)
from kg.problems import Problem, ValidationError

__version__ = "0.1.0"
__all__ = ["EvidenceGraph", "Problem", "ValidationError", "__version__", "diff", "extract", "import_", "load"]
