"""The one error a document's conversion raises, whichever step (pandoc, embedding, typst) failed."""


class ConversionError(RuntimeError):
    """A document could not be turned into HTML or PDF; the message says why, in plain words."""
