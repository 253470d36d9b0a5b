"""Large predict-segment bodies decoded into typed rows (``predict/batch.py``): a quicker way
to exactly what ``parse_inputs(orjson.loads(body))`` gives, or no answer at all (the general
path then answers), on generated bodies valid and invalid."""

from __future__ import annotations

import re

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from segmentation.ml.features import CATEGORIES
from segmentation.predict.batch import BatchDecoder
from segmentation.predict.parsing import InputPlan, parse_inputs

MAX_ROWS = 50
SPENDING = InputPlan.plain(CATEGORIES)
MIXED = InputPlan.from_specs(
    [
        {"name": "Age", "kind": "count"},
        {"name": "Net flow", "kind": "amount"},
        {"name": "has_loan", "kind": "binary"},
        {"name": "Channel", "kind": "categorical", "categories": ["branch", "online", "phone"]},
        {"name": "Region", "kind": "categorical", "categories": ["north", "south"]},
    ],
    signed=["Net flow"],
)
CATEGORIES_ONLY = InputPlan.from_specs(
    [
        {"name": "Channel", "kind": "categorical", "categories": ["branch", "online", "phone"]},
        {"name": "Region", "kind": "categorical", "categories": ["north", "south"]},
    ]
)
CROSSED_NAMES = InputPlan.plain(["f1", "f0"])  # the decoder's own field names, the other way round
PLANS = {
    "spending": SPENDING,
    "mixed": MIXED,
    "categories only": CATEGORIES_ONLY,
    "crossed names": CROSSED_NAMES,
}
DECODERS = {name: BatchDecoder(plan) for name, plan in PLANS.items()}

AMOUNTS = st.one_of(
    st.integers(0, 10**6),
    st.floats(0, 1e6, allow_nan=False),
    st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False).map(float),
)
NUMBERS = st.one_of(AMOUNTS, st.floats(0, 1e13, allow_nan=False))  # beyond the money limit too
# what a value can be instead of a plain valid number: each is valid or refused by the
# general path, and the batch decoder must never differ from it
ODD_VALUES = st.one_of(
    NUMBERS.map(str),
    NUMBERS.map(lambda x: f"{x:.2f}"),
    NUMBERS.map(lambda x: f"{x:e}"),
    st.sampled_from(
        [
            "-0",
            "-0.0",
            " 12.5",
            "12.5 ",
            "+3",
            ".5",
            "5.",
            "0001",
            "1e400",
            "1_000",
            "nan",
            "inf",
            "",
            "1,5",
            "٣",
        ]
    ),
    st.integers(-(10**6), -1),
    st.floats(-1e6, -1e-9),
    st.sampled_from([True, False, None, [], {}, -0.0, 0.5, 1, 0, 1.0]),
    st.text(max_size=6),
)
CATEGORY_VALUES = st.one_of(
    st.sampled_from(["branch", "online", "phone", "north", "south"]),
    st.sampled_from([" online ", "ONLINE", "mail", "", 1, None, True]),
)


def valid_row(plan: InputPlan, draw) -> list[tuple[str, object]]:
    items = []
    for feature in plan.numeric:
        if feature in plan.binary:
            value = draw(st.sampled_from([0, 1, 0.0, 1.0, "0", "1"]))
        elif feature in plan.signed:
            value = draw(st.floats(-1e6, 1e6, allow_nan=False))
        else:
            value = draw(AMOUNTS)
        items.append((feature, value))
    items += [(f, draw(st.sampled_from(list(plan.categories[f])))) for f in plan.categorical]
    return items


def spoil(items: list[tuple[str, object]], plan: InputPlan, draw) -> list[tuple[str, object]]:
    """One change a client might make: another value, a name spelt otherwise, a field
    dropped, added or given twice."""
    j = draw(st.integers(0, len(items) - 1))
    name, value = items[j]
    how = draw(st.sampled_from(["value", "value", "case", "drop", "extra", "twice", "twice-other-case"]))
    if how == "value":
        items[j] = (name, draw(CATEGORY_VALUES if name in plan.categorical else ODD_VALUES))
    elif how == "case":
        items[j] = (name.lower() if name != name.lower() else name.upper(), value)
    elif how == "drop":
        del items[j]
    elif how == "extra":
        items.append(("Unknown", 1))
    else:
        items.append((name if how == "twice" else name.swapcase(), draw(ODD_VALUES)))
    return items


def as_json(rows: list[list[tuple[str, object]]]) -> bytes:
    """The body, written by hand so that a field can be given twice."""
    objects = (b",".join(orjson.dumps(k) + b":" + orjson.dumps(v) for k, v in row) for row in rows)
    return b"[" + b",".join(b"{" + o + b"}" for o in objects) + b"]"


@st.composite
def bodies(draw, plan: InputPlan, counts=st.integers(0, 24)):
    rows, spoilt = [], False
    spoiling = draw(st.booleans())
    # up to 24 rows: beyond SMALL_BATCH (16) the general path parses column-wise
    n = draw(counts)
    for _ in range(n):
        items = valid_row(plan, draw)
        if spoiling and (n == 1 or draw(st.integers(0, 3)) == 0):
            items, spoilt = spoil(items, plan, draw), True
        rows.append(items)
    body = as_json(rows)
    if len(rows) == 1 and draw(st.booleans()):
        body = body[1:-1]  # one bare profile
    return body, spoilt


def general(body: bytes, plan: InputPlan):
    try:
        return parse_inputs(orjson.loads(body), plan, MAX_ROWS)
    except (orjson.JSONDecodeError, ValidationError):
        return None


def assert_same(fast, slow) -> None:
    (X, C), (X0, C0) = fast, slow
    assert X.dtype == X0.dtype == np.float64 and X.shape == X0.shape
    np.testing.assert_array_equal(X, X0)
    assert (C is None) == (C0 is None)
    if C is not None:
        assert C.dtype == C0.dtype and C.shape == C0.shape
        np.testing.assert_array_equal(C, C0)


@pytest.mark.parametrize("counts", ["0-24 rows", "one profile"])
@pytest.mark.parametrize("name", sorted(PLANS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_answer_is_the_general_paths_answer(name, counts, data):
    """Any number of rows, and single profiles apart (checked value by value, not column-wise)."""
    plan = PLANS[name]
    body, spoilt = data.draw(bodies(plan, st.integers(0, 24) if counts == "0-24 rows" else st.just(1)))
    fast, slow = DECODERS[name].decode(body, MAX_ROWS), general(body, plan)
    if fast is not None:
        assert slow is not None, body  # nothing the general path refuses is answered
        assert_same(fast, slow)
    elif not spoilt and body != b"[]":
        # numeric values as JSON numbers or plain number strings: the decoder answers
        assert slow is not None
        pytest.fail(f"a valid body was not decoded: {body[:300]!r}")


@settings(max_examples=300, deadline=None)
@given(
    text=st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?\Z"),
    quoted=st.booleans(),
)
def test_numbers_and_numeric_strings_read_as_the_general_path_reads_them(text, quoted):
    """Every digit string, as a JSON number or as the Java platform's string, gives the
    double the general path gives (orjson for numbers, float() for strings), or no answer."""
    value = f'"{text}"' if quoted else text
    body = as_json([[(f, 0) for f in SPENDING.numeric[1:]]])
    body = body.replace(b"[{", b'[{"Utilities":' + value.encode() + b",", 1)
    fast, slow = DECODERS["spending"].decode(body, MAX_ROWS), general(body, SPENDING)
    if fast is not None:
        assert slow is not None
        assert fast[0][0, 0] == slow[0][0, 0]
    else:  # only a string with leading zeros is taken by the general path alone
        assert slow is None or (quoted and re.match("0[0-9]", text)), value


def test_a_bare_profile_is_one_row():
    profile = {f: i * 1.5 for i, f in enumerate(SPENDING.numeric)}
    fast = DECODERS["spending"].decode(orjson.dumps(profile), MAX_ROWS)
    assert fast is not None
    assert_same(fast, general(orjson.dumps(profile), SPENDING))


def test_a_batch_over_the_row_limit_or_empty_is_left_to_the_general_path():
    row = [(f, 1) for f in SPENDING.numeric]
    decoder = BatchDecoder(SPENDING)
    assert decoder.decode(as_json([row] * MAX_ROWS), MAX_ROWS) is not None
    assert decoder.decode(as_json([row] * (MAX_ROWS + 1)), MAX_ROWS) is None
    assert decoder.decode(b"[]", MAX_ROWS) is None
    assert decoder.decode(b"\xff[]", MAX_ROWS) is None  # not UTF-8
