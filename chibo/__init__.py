"""chibo: the monthly loop of one Party cell — plan, assign, track, evaluate, report."""

__version__ = "0.1.0"
