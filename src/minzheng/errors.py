"""Errors a user can cause, each with a message that says what to fix.

None of these is a bug in minzheng: the CLI prints them without a traceback and exits
with status 2.
"""

from __future__ import annotations

from attrs import frozen

from minzheng.i18n import Msg, msg, render, text

__all__ = [
    "DatasetError",
    "InputError",
    "MessageError",
    "MinzhengError",
    "MissingExtra",
    "Problem",
    "UnknownNameError",
]


class MinzhengError(Exception):
    """Base class of the errors minzheng raises for bad input or usage.

    ``str(error)`` is English; :meth:`render` gives the message in either language.
    """

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``), one problem per line."""
        return str(self)


@frozen
class Problem:
    """One thing wrong with an input file: where it is, what was expected and found.

    ``unit`` is the unit's code (or its position when it has no valid code yet);
    ``field`` the field or indicator; both are ``None`` for a file-level problem. In a
    pack's own data files the subject is a rule or an indicator rather than a unit:
    ``subject`` says which word to print.
    """

    file: str
    unit: str | None
    field: str | None
    expected: str | Msg  #: a catalogue message (or literal text)
    found: str | Msg  #: usually the value as written (``'abc'``), else a message
    hint: str | Msg = ""
    subject: str = "unit"
    row: int | None = None  #: the line of a CSV file (the header is row 1) or a sheet's row
    sheet: str | None = None  #: the sheet of a workbook
    column: str | None = None  #: the column of a workbook (``H``)

    @classmethod
    def no_such_file(cls, file: str) -> Problem:
        """The problem of a file that is not there."""
        return cls(file, None, None, Msg("expected.existing_file"), Msg("found.no_such_file"))

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """The problem in one line, in ``lang``: where, what was expected and found, and
        the hint."""
        place = [self.file]
        if self.sheet is not None:
            place.append(text("problem.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            place.append(text("problem.row", lang, row=self.row))
        if self.column is not None:
            place.append(text("problem.column", lang, column=self.column))
        where = [text("problem.place_sep", lang).join(place)]
        if self.unit is not None:
            subject = text(f"what.{self.subject}", lang)
            where.append(text("problem.subject", lang, subject=subject, name=shorten(self.unit)))
        if self.field is not None:
            where.append(text("problem.field", lang, field=shorten(self.field)))
        line = text(
            "problem.text",
            lang,
            where=text("problem.sep", lang).join(where),
            expected=render(self.expected, lang),
            found=shorten(render(self.found, lang), 200),
        )
        hint = render(self.hint, lang)
        return text("problem.hint", lang, text=line, hint=hint) if hint else line


def shorten(name: str, limit: int = 60) -> str:
    """A unit code, a field or a value as a message gives it: one of thousands of
    characters (a hostile file's) cut to its start, so the message stays readable."""
    return name if len(name) <= limit else f"{name[: limit - 20]}… ({len(name)} characters)"


class InputError(MinzhengError):
    """An input file that cannot be loaded; ``problems`` lists every problem found.

    Raised for datasets (:class:`DatasetError`) and for a pack's own data files.
    """

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a DatasetError needs at least one problem")
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def render(self, lang: str = "en") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class DatasetError(InputError):
    """A dataset file that cannot be loaded."""


class UnknownNameError(MinzhengError, LookupError):
    """A pack, rule or indicator name that is not installed; suggests the closest one."""

    def __init__(self, what: str | Msg, name: str, known: list[str], guess: str | None) -> None:
        self.what, self.name, self.known, self.guess = what, name, known, guess
        super().__init__(self.render("en"))

    def __str__(self) -> str:
        return str(self.args[0])

    def render(self, lang: str = "en") -> str:
        what = render(self.what, lang)
        line = text("cli.err.unknown_name", lang, what=what, name=self.name)
        if self.guess:
            return text("cli.err.did_you_mean", lang, text=line, guess=self.guess)
        if self.known:
            known = text("word.list_sep", lang).join(self.known[:20])
            return text("cli.err.known", lang, text=line, known=known)
        return line


class MessageError(MinzhengError):
    """A mistake of usage told by one catalogue message (e.g. no chosen pack covers any
    unit of the dataset)."""

    def __init__(self, message: Msg) -> None:
        self.message = message
        super().__init__(str(message))

    def render(self, lang: str = "en") -> str:
        return self.message.render(lang)


class MissingExtra(MessageError, ImportError):
    """A feature whose libraries are an extra that is not installed (the XLSX and HTML
    reports, PostgreSQL): the message says which to install,
    ``pip install 'minzheng[xlsx]'``."""

    def __init__(self, extra: str, what: str) -> None:
        self.extra = extra
        super().__init__(msg("cli.err.needs_extra", extra=f"minzheng[{extra}]", what=what))
