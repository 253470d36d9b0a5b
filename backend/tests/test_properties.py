"""Property-based tests (Hypothesis) for the predict parser and the feature pipeline."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from segmentation.ml.features import CATEGORIES
from segmentation.predict.parsing import MAX_AMOUNT, parse_profiles

amounts = st.floats(min_value=0, max_value=MAX_AMOUNT, allow_nan=False, allow_infinity=False)


def spelled(value: float, draw_style: int):
    """The same amount as a JSON number, an int, or a numeric string."""
    if draw_style == 0:
        return value
    if draw_style == 1 and value == int(value) and value < 2**53:
        return int(value)
    return repr(value) if draw_style == 2 else f"{value:.2f}"


@st.composite
def profiles(draw):
    n = draw(st.integers(1, 20))
    rows, expected = [], []
    for _ in range(n):
        values = [draw(amounts) for _ in CATEGORIES]
        styles = [draw(st.integers(0, 3)) for _ in CATEGORIES]
        cases = [draw(st.sampled_from(["lower", "upper", "same"])) for _ in CATEGORIES]
        row, exp = {}, []
        for c, v, s, case in zip(CATEGORIES, values, styles, cases):
            key = {"lower": c.lower(), "upper": c.upper(), "same": c}[case]
            row[key] = spelled(v, s)
            exp.append(float(row[key]))
        rows.append(row)
        expected.append(exp)
    return rows, np.array(expected)


@given(profiles())
@settings(max_examples=200, deadline=None)
def test_valid_profiles_parse_to_their_values(data):
    rows, expected = data
    X = parse_profiles(rows, CATEGORIES, 10_000)
    assert X.shape == expected.shape and np.array_equal(X, expected)


bad_values = st.one_of(
    st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
    st.just(math.nan),
    st.just(math.inf),
    st.text(alphabet="abcxyz,_ ", min_size=1, max_size=5),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.floats(min_value=MAX_AMOUNT * 1.01, allow_infinity=False),
)


@given(profiles(), st.data())
@settings(max_examples=200, deadline=None)
def test_one_bad_value_is_reported_at_its_row_and_field(data, pick):
    rows, _ = data
    r = pick.draw(st.integers(0, len(rows) - 1))
    key = pick.draw(st.sampled_from(sorted(rows[r])))
    rows[r][key] = pick.draw(bad_values)
    with pytest.raises(ValidationError) as err:
        parse_profiles(rows, CATEGORIES, 10_000)
    assert list(err.value.messages) == [r] and list(err.value.messages[r]) == [key]


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_like)
@settings(max_examples=300, deadline=None)
def test_any_json_body_parses_or_is_a_validation_error(body):
    try:
        X = parse_profiles(body, CATEGORIES, 10_000)
    except ValidationError:
        return
    assert X.shape[1] == len(CATEGORIES) and np.isfinite(X).all() and (X >= 0).all()
