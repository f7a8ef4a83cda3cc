"""evidence-kg: what each treatment does for back and hip pain, how sure we are, and who says so.

>>> import kg
>>> g = kg.load()            # the bundled, curated data (validated)
>>> g.evidence.shape[0] > 0
True
"""

from kg import extract as _extraction  # noqa: F401  the kg.extract package, loaded before the function below
from kg.api import EvidenceGraph, extract, load  # takes the name: kg.extract(text, graph, source=...)
from kg.problems import Problem, ValidationError

__version__ = "0.1.0"
__all__ = ["EvidenceGraph", "Problem", "ValidationError", "__version__", "extract", "load"]
