"""Exceptions of the dysta package. ``str(error)`` is the one-line message the command line prints."""


class DystaError(Exception):
    """Base class of every error dysta raises on purpose (bad input, refused model, ...)."""


class ExtractError(DystaError):
    """The trace extractor refused a model, an input or an option.

    Parameters
    ----------
    path : str or path-like or None
        The file, folder or option the problem is about (``None``: the model file, filled in
        by :func:`dysta.extract.extract_onnx`).
    message : str
        What is wrong, one line.
    """

    def __init__(self, path, message):
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.message = message

    def __str__(self):
        return self.message if self.path is None else f"{self.path}: {self.message}"
