"""warroom: run a live software incident in the terminal, then write its post-mortem."""

__version__ = "0.1.0"
