"""Errors a user can cause, each with a message that says what to fix.

None of these is a bug in minzheng: the CLI prints them without a traceback and exits
with status 2.
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "DatasetError",
    "InputError",
    "MinzhengError",
    "Problem",
    "UnknownNameError",
]


class MinzhengError(Exception):
    """Base class of the errors minzheng raises for bad input or usage."""


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
    expected: str
    found: str
    hint: str = ""
    subject: str = "unit"
    row: int | None = None  #: the line of a CSV file (the header is row 1) or a sheet's row
    sheet: str | None = None  #: the sheet of a workbook
    column: str | None = None  #: the column of a workbook (``H``)

    def __str__(self) -> str:
        place = self.file
        if self.sheet is not None:
            place += f" sheet {self.sheet!r}"
        if self.row is not None:
            place += f" row {self.row}"
        if self.column is not None:
            place += f" column {self.column}"
        where = [place]
        if self.unit is not None:
            where.append(f"{self.subject} {self.unit}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = f"{': '.join(where)}: expected {self.expected}, found {self.found}"
        return f"{text} ({self.hint})" if self.hint else text


class InputError(MinzhengError):
    """An input file that cannot be loaded; ``problems`` lists every problem found.

    Raised for datasets (:class:`DatasetError`) and for a pack's own data files.
    """

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a DatasetError needs at least one problem")
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DatasetError(InputError):
    """A dataset file that cannot be loaded."""


class UnknownNameError(MinzhengError, LookupError):
    """A pack, rule or indicator name that is not installed; suggests the closest one."""

    def __init__(self, what: str, name: str, known: list[str], guess: str | None) -> None:
        self.what, self.name, self.known, self.guess = what, name, known, guess
        text = f"no {what} named {name!r}"
        if guess:
            text += f"; did you mean {guess!r}?"
        elif known:
            text += f"; known: {', '.join(known[:20])}"
        super().__init__(text)

    def __str__(self) -> str:
        return str(self.args[0])
