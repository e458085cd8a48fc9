"""CSV cells a spreadsheet will not run: every CSV heard writes goes through :func:`csv_writer`.

Answers and imported case fields are typed by people; a cell such as ``=HYPERLINK(...)``
would run as a formula when a manager opens the file in Excel or LibreOffice. A text cell
starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) gets a leading apostrophe, so it shows as text.
Numbers are written as numbers: a negative number is not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` unchanged, unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose every text cell passes through :func:`safe_cell`."""

    def __init__(self, handle: IO[str], **options) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options) -> SafeWriter:
    return SafeWriter(handle, **options)
