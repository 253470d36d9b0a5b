"""CSV cells a spreadsheet will not run: text starting with = + - @ tab or CR gets a
leading apostrophe (OWASP's advice), so ``=HYPERLINK(...)`` is shown as text, not
evaluated. Numbers are written as they are (a negative amount stays a number)."""

from __future__ import annotations

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(values) -> list:
    return [cell(v) for v in values]


class Writer:
    """``csv.writer`` whose rows are neutralised; use it for every CSV the service writes."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, values):
        return self._writer.writerow(row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)
