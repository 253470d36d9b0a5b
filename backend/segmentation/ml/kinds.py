"""Feature kinds: what a column means decides how it is prepared, profiled and named.

``money``       amounts, heavy-tailed, often zero (monthly spend, balance, income)
``count``       whole numbers of events (transactions, visits, purchases)
``ratio``       shares and frequencies between 0 and 1
``score``       bounded or ordinal scales (loyalty 1-1000, spending score 1-100, age)
``binary``      yes / no flags (0 or 1)
``categorical`` a value from a small set (education, channel); never treated as a number
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS: tuple[str, ...] = ("money", "count", "ratio", "score", "binary", "categorical")
NUMERIC_KINDS: tuple[str, ...] = ("money", "count", "ratio", "score", "binary")


@dataclass(frozen=True)
class FeatureSpec:
    name: str  # the bank's column name; also the predict-segment key (case-insensitive)
    kind: str  # one of KINDS
    label: str = ""  # words used in names / UI ("" -> derived from name)
    unit: str | None = None  # e.g. "EUR/month", "days", "points"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"feature {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.name:
            raise ValueError("a feature needs a name")

    @property
    def numeric(self) -> bool:
        return self.kind != "categorical"

    @property
    def words(self) -> str:
        """The label, or words made from the column name (``online_shopping`` -> ``online shopping``)."""
        return self.label or words_from_name(self.name)

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "label": self.label, "unit": self.unit}

    @classmethod
    def from_dict(cls, d: dict) -> FeatureSpec:
        return cls(name=d["name"], kind=d["kind"], label=d.get("label") or "", unit=d.get("unit"))


def words_from_name(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        prev = name[i - 1] if i else ""
        if ch in "_-.":
            out.append(" ")
        elif ch.isupper() and prev and (prev.islower() or prev.isdigit()):
            out.append(" " + ch)
        else:
            out.append(ch)
    return " ".join("".join(out).split()).lower()


@dataclass
class FeatureData:
    ids: np.ndarray  # int64 (n,), internal customer keys (opaque to ml/)
    num: np.ndarray  # float64 (n, d_num), NaN = missing; numeric specs in declared order
    cat: np.ndarray  # int32 (n, d_cat), -1 = missing; codes into categories[j]
    categories: list[list[str]]  # per categorical spec: its distinct values
    specs: list[FeatureSpec]  # all specs, declared order

    def __post_init__(self) -> None:
        n = len(self.ids)
        n_num, n_cat = len(self.numeric_specs), len(self.categorical_specs)
        self.num = np.asarray(self.num, dtype=np.float64).reshape(n, n_num)
        self.cat = np.asarray(self.cat, dtype=np.int32).reshape(n, n_cat)
        if len(self.categories) != n_cat:
            raise ValueError(f"{n_cat} categorical features but {len(self.categories)} category lists")
        for j, values in enumerate(self.categories):
            if n and (self.cat[:, j].max(initial=-1) >= len(values) or self.cat[:, j].min(initial=0) < -1):
                raise ValueError(f"codes of {self.categorical_specs[j].name!r} fall outside its categories")
        if np.isinf(self.num).any():
            raise ValueError("numeric features must be finite (NaN marks a missing value)")

    @property
    def numeric_specs(self) -> list[FeatureSpec]:
        return [s for s in self.specs if s.numeric]

    @property
    def categorical_specs(self) -> list[FeatureSpec]:
        return [s for s in self.specs if not s.numeric]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def numeric(cls, X: np.ndarray, specs: list[FeatureSpec], ids: np.ndarray | None = None) -> FeatureData:
        """Numeric-only data (every spec numeric, columns in spec order)."""
        X = np.asarray(X, dtype=np.float64)
        ids = np.arange(len(X), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        return cls(ids=ids, num=X, cat=np.empty((len(X), 0), np.int32), categories=[], specs=list(specs))

    @classmethod
    def from_columns(
        cls, columns: dict[str, np.ndarray], specs: list[FeatureSpec], ids: np.ndarray | None = None
    ) -> FeatureData:
        """Data from one array per feature name: numbers for numeric kinds, strings (None or ""
        = missing) for categorical ones; categories are the sorted distinct values."""
        n = len(next(iter(columns.values()))) if columns else 0
        num = [np.asarray(columns[s.name], dtype=np.float64) for s in specs if s.numeric]
        cats, codes = [], []
        for s in specs:
            if s.numeric:
                continue
            raw = np.asarray(columns[s.name], dtype=object)
            present = np.array([v is not None and v == v and str(v) != "" for v in raw], dtype=bool)
            values = sorted({str(v) for v in raw[present]})
            lookup = {v: i for i, v in enumerate(values)}
            code = np.full(n, -1, dtype=np.int32)
            code[present] = [lookup[str(v)] for v in raw[present]]
            cats.append(values)
            codes.append(code)
        ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        return cls(
            ids=ids,
            num=np.column_stack(num) if num else np.empty((n, 0)),
            cat=np.column_stack(codes) if codes else np.empty((n, 0), np.int32),
            categories=cats,
            specs=list(specs),
        )

    def take(self, rows: np.ndarray) -> FeatureData:
        return FeatureData(
            ids=self.ids[rows],
            num=self.num[rows],
            cat=self.cat[rows],
            categories=self.categories,
            specs=self.specs,
        )
