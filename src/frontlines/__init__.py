"""frontlines: evidence-backed, day-by-day maps of territorial control from conflict news."""

__version__ = "0.1.0"
