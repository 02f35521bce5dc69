"""Package-wide settings: ``costmodel.options.lang`` chooses the readers' language."""

from __future__ import annotations

__all__ = ["Options", "options"]

_LANGS = ("vi", "en")


class Options:
    """Settings read by the report layer when a call does not say otherwise.

    Attributes
    ----------
    lang : {"vi", "en"}
        Language of every reader-facing output (tables, charts, workbooks,
        documents). Default ``"vi"``.

    Examples
    --------
    >>> from costmodel._options import options
    >>> options.lang
    'vi'
    """

    __slots__ = ("_lang",)

    def __init__(self) -> None:
        self._lang = "vi"

    @property
    def lang(self) -> str:
        """Language of reader-facing outputs."""
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        if value not in _LANGS:
            raise ValueError(f"lang must be one of {_LANGS}, got {value!r}")
        self._lang = value

    def __repr__(self) -> str:
        return f"costmodel.options(lang={self._lang!r})"


options = Options()
