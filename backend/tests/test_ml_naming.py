"""Segment names from feature kinds and labels (Flask-free)."""

from segmentation.ml.kinds import FeatureSpec
from segmentation.ml.naming import describe_all


def profile(**means):
    return {f: {"mean": v, "median": v} for f, v in means.items()}


def test_rfm_features_get_rfm_names():
    specs = [
        FeatureSpec("RecencyDays", "count"),
        FeatureSpec("Frequency", "count"),
        FeatureSpec("Monetary", "money"),
    ]
    population = profile(RecencyDays=100, Frequency=5, Monetary=500)
    profiles = [
        profile(RecencyDays=20, Frequency=12, Monetary=1500),
        profile(RecencyDays=300, Frequency=1, Monetary=60),
        profile(RecencyDays=250, Frequency=9, Monetary=900),
        profile(RecencyDays=15, Frequency=1, Monetary=80),
    ]
    names = [n for n, _ in describe_all(profiles, population, specs)]
    assert names == ["Champions", "Hibernating", "At risk", "New customers"]


def test_income_and_score_get_income_spender_names():
    specs = [FeatureSpec("annual_income", "money"), FeatureSpec("spending_score", "score")]
    population = profile(annual_income=60, spending_score=50)
    profiles = [profile(annual_income=90, spending_score=15), profile(annual_income=25, spending_score=80)]
    names = [n for n, _ in describe_all(profiles, population, specs)]
    assert names == ["High income, careful spender", "Low income, big spender"]


def test_other_features_are_named_from_the_banks_labels_and_names_are_unique():
    specs = [
        FeatureSpec("BALANCE", "money", label="balance"),
        FeatureSpec("PURCHASES_TRX", "count", label="purchases"),
        FeatureSpec("region", "categorical"),
    ]
    cats = {"urban": 0.5, "rural": 0.5}
    population = profile(BALANCE=1000, PURCHASES_TRX=10) | {"region": {"mode": "urban", "shares": cats}}
    same = {"region": {"mode": "urban", "shares": cats}}
    profiles = [
        profile(BALANCE=5000, PURCHASES_TRX=2) | same,
        profile(BALANCE=5200, PURCHASES_TRX=3) | same,
        profile(BALANCE=100, PURCHASES_TRX=30) | same,
        profile(BALANCE=1000, PURCHASES_TRX=10)
        | {"region": {"mode": "rural", "shares": {"urban": 0.0, "rural": 1.0}}},
    ]
    described = describe_all(profiles, population, specs)
    names = [n for n, _ in described]
    assert len(set(names)) == 4
    assert names[0].startswith("High balance") and "few purchases" in names[0]
    assert names[2].startswith("Low balance") or names[2].startswith("Many purchases")
    assert "rural" in names[3]
