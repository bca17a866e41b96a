"""The package's version (the same as ``dysta --version``)."""

__version__ = "0.4.0"
