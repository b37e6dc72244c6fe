"""The hub's version, in a module of its own so any module can import it without the package's
``__init__`` (which imports the API, and so nearly everything); pyproject.toml reads it from here."""

__version__ = "0.1.0"
