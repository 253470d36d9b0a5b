"""Descriptive names and suggested strategies for segments, from their profiles.

Profiles are the members' real averages in original units and are compared with the
population's averages (like with like). The style follows the features' kinds and names:

- the 8 spending categories: personas ("Frequent Online Shopper", "Utilities Only");
- recency / frequency / monetary: RFM names (Champions, Loyal customers, At risk, ...);
- an income with a spending score: "High income, careful spender";
- anything else: the bank's own labels ("High balance, few purchases", "Mostly urban").

Names are unique within a model: a repeated name gets the feature that tells the segments
apart, or a number.
"""

from __future__ import annotations

import re

import numpy as np

from .features import CATEGORIES
from .kinds import FeatureSpec

STRONG = 1.6  # spends at least 1.6x the average in a category to be named after it

PERSONAS: dict[str, tuple[str, str, str]] = {
    # category: (name, short adjective for combinations, strategy)
    "OnlineShopping": (
        "Frequent Online Shopper",
        "Online",
        "Offer an e-commerce cashback card, purchase protection and instalment plans at checkout.",
    ),
    "Travel": (
        "Frequent Traveller",
        "Travel",
        "Offer a travel rewards card with no foreign-transaction fees, travel insurance and lounge access.",
    ),
    "Transport": (
        "Daily Commuter",
        "Commuting",
        "Offer fuel and transit cashback, contactless travel passes and car-loan pre-approval.",
    ),
    "Groceries": (
        "Family Essentials",
        "Household",
        "Offer grocery cashback, a family savings account and child savings plans.",
    ),
    "Dining": (
        "Dining Enthusiast",
        "Dining",
        "Offer restaurant cashback, dining partner discounts and a lifestyle rewards card.",
    ),
    "Entertainment": (
        "Entertainment Seeker",
        "Entertainment",
        "Offer streaming and event-ticket perks and a lifestyle rewards card.",
    ),
    "Healthcare": (
        "Health-Conscious",
        "Health",
        "Offer health insurance, a health savings account and pharmacy cashback.",
    ),
    "Utilities": (
        "Household Bills Focused",
        "Bills",
        "Offer bill-payment rewards, energy-efficiency loans and budgeting tools.",
    ),
}
UTILITIES_ONLY = (
    "Utilities Only",
    "Little activity beyond bills: offer direct-debit bill-pay rewards, a basic savings account "
    "and digital onboarding to grow engagement.",
)
BALANCED = (
    "Balanced Spender",
    "Offer an all-round rewards card, a savings plan and a periodic financial review.",
)
LOW_ACTIVITY = (
    "Low Activity",
    "Re-engage with a welcome-back offer, fee waivers and mobile-app onboarding.",
)


def describe(centroid: dict[str, float], population_mean: dict[str, float]) -> tuple[str, str]:
    """Name and strategy for one centroid (both keyed by feature, in money units).

    A category characterises a segment when the segment spends far more there than the
    average customer (ratio >= STRONG); among those, the one that also takes the largest
    share of the segment's wallet names it.
    """
    cats = [c for c in CATEGORIES if c in centroid and c in population_mean]
    rel = {c: centroid[c] / max(population_mean[c], 1e-9) for c in cats}
    wallet = max(sum(centroid[c] for c in cats), 1e-9)
    total_ratio = wallet / max(sum(population_mean[c] for c in cats), 1e-9)
    others = [rel[c] for c in cats if c != "Utilities"]
    if "Utilities" in rel and rel["Utilities"] >= 0.5 and others and max(others) < 0.35:
        return UTILITIES_ONLY
    weight = {c: rel[c] * centroid[c] / wallet for c in cats if rel[c] >= STRONG}
    ranked = sorted(weight, key=weight.get, reverse=True)
    if not ranked:
        name, strategy = LOW_ACTIVITY if total_ratio < 0.4 else BALANCED
    elif len(ranked) == 1 or weight[ranked[1]] < 0.6 * weight[ranked[0]]:
        name, _, strategy = PERSONAS[ranked[0]]
    else:
        first, second = PERSONAS[ranked[0]], PERSONAS[ranked[1]]
        name = f"{first[1]} & {second[1]} Spender"
        strategy = first[2]
    if total_ratio >= 2.5 and name != LOW_ACTIVITY[0]:
        name = f"Premium {name}"
        strategy = f"{strategy} Assign a relationship manager."
    return name, strategy


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _means(profile: dict, specs: list[FeatureSpec]) -> dict[str, float]:
    return {
        s.name: float(profile[s.name]["mean"] or 0.0)
        for s in specs
        if s.numeric and s.name in profile and profile[s.name].get("mean") is not None
    }


def _spending_map(specs: list[FeatureSpec]) -> dict[str, str] | None:
    """Spec name -> lifestyle category when at least three money features are categories."""
    by_key = {_key(c): c for c in CATEGORIES}
    found = {s.name: by_key[_key(s.name)] for s in specs if s.kind == "money" and _key(s.name) in by_key}
    return found if len(found) >= 3 else None


def _rfm_map(specs: list[FeatureSpec]) -> dict[str, str] | None:
    out = {}
    for s in specs:
        k = _key(s.name)
        for role in ("recency", "frequency", "monetary"):
            if role in k and s.numeric:
                out.setdefault(role, s.name)
    return out if len(out) == 3 else None


def _income_score(specs: list[FeatureSpec]) -> tuple[str, str] | None:
    income = [s.name for s in specs if s.numeric and "income" in _key(s.name)]
    score = [s.name for s in specs if s.numeric and s.kind == "score" and "score" in _key(s.name)]
    return (income[0], score[0]) if income and score and len([s for s in specs if s.numeric]) <= 4 else None


def _level(seg: float, pop: float, low: float = 0.75, high: float = 1.25) -> int:
    """-1, 0 or 1: the segment's average against the population's (ratio)."""
    if pop <= 0:
        return 1 if seg > 0 else 0
    ratio = seg / pop
    return 1 if ratio >= high else (-1 if ratio <= low else 0)


RFM_NAMES = {
    "champions": ("Champions", "Reward them: early access, premium tiers and referral perks."),
    "loyal": ("Loyal customers", "Upsell higher-value products and enrol them in a loyalty programme."),
    "new": ("New customers", "Onboard well: welcome offers and guidance to a second purchase."),
    "promising": ("Promising", "Build the habit with limited-time offers and product recommendations."),
    "big": ("Big spenders", "Offer premium products and a relationship manager."),
    "attention": ("Need attention", "Re-engage with personalised offers before they drift away."),
    "at_risk": ("At risk", "Win them back: personal outreach and a strong reactivation offer."),
    "hibernating": ("Hibernating", "Low-cost reactivation campaigns; do not over-invest."),
}


def describe_rfm(means: dict, population: dict, roles: dict) -> tuple[str, str]:
    r = -_level(means[roles["recency"]], population[roles["recency"]], 0.7, 1.3)  # fewer days = better
    f = _level(means[roles["frequency"]], population[roles["frequency"]])
    m = _level(means[roles["monetary"]], population[roles["monetary"]])
    if r > 0:
        key = "champions" if f > 0 and m > 0 else ("loyal" if f > 0 else ("new" if f < 0 else "promising"))
    elif r < 0:
        key = "at_risk" if f > 0 or m > 0 else "hibernating"
    else:
        key = "loyal" if f > 0 else ("big" if m > 0 else "attention")
    return RFM_NAMES[key]


INCOME_WORDS = {-1: "Low income", 0: "Average income", 1: "High income"}
SPENDER_WORDS = {-1: "careful spender", 0: "average spender", 1: "big spender"}
INCOME_STRATEGIES = {
    (1, -1): "Savers with room to spend: offer investment products and premium cards with rewards.",
    (1, 1): "High-value customers: premium rewards card, wealth management, a relationship manager.",
    (-1, 1): "Spend beyond income: offer budgeting tools and cautious credit limits.",
    (-1, -1): "Budget-conscious: fee-free accounts, savings plans and essential-goods cashback.",
}


def describe_income_score(means: dict, population: dict, income: str, score: str) -> tuple[str, str]:
    i = _level(means[income], population[income], 0.8, 1.2)
    s = _level(means[score], population[score], 0.8, 1.2)
    strategy = INCOME_STRATEGIES.get(
        (i, s), "Mainstream customers: an all-round rewards card and a periodic financial review."
    )
    return f"{INCOME_WORDS[i]}, {SPENDER_WORDS[s]}", strategy


def _lifts(profiles: list[dict], population: dict, specs: list[FeatureSpec]) -> list[dict[str, float]]:
    """Per segment and feature, how far it stands out: numeric means in units of the spread
    of segment means; categorical: the mode's share above its population share."""
    out = [dict() for _ in profiles]
    for s in specs:
        if s.numeric:
            vals = np.array([float(p[s.name]["mean"] or 0.0) for p in profiles])
            pop = float(population[s.name]["mean"] or 0.0)
            spread = float(vals.std()) or 1.0
            for i, v in enumerate(vals):
                out[i][s.name] = (v - pop) / spread
        else:
            for i, p in enumerate(profiles):
                mode = p[s.name].get("mode")
                if mode is None:
                    continue
                gain = p[s.name]["shares"].get(mode, 0.0) - population[s.name]["shares"].get(mode, 0.0)
                out[i][s.name] = 2.0 * gain
    return out


def _words(spec: FeatureSpec, lift: float, profile: dict) -> str:
    if not spec.numeric:
        return f"mostly {profile[spec.name]['mode']} ({spec.words})"
    if spec.kind == "binary":
        return f"{'mostly' if lift > 0 else 'rarely'} {spec.words}"
    if spec.kind == "count":
        return f"{'many' if lift > 0 else 'few'} {spec.words}"
    return f"{'high' if lift > 0 else 'low'} {spec.words}"


def describe_generic(lifts: dict, profile: dict, specs: list[FeatureSpec]) -> tuple[str, str]:
    by_name = {s.name: s for s in specs}
    ranked = sorted((f for f in lifts if abs(lifts[f]) >= 0.5), key=lambda f: -abs(lifts[f]))
    if not ranked:
        return "Typical customers", "Mainstream offers: an all-round product bundle and a periodic review."
    parts = [_words(by_name[f], lifts[f], profile) for f in ranked[:2]]
    name = ", ".join(parts)
    top = by_name[ranked[0]]
    if not top.numeric:
        strategy = f"Tailor offers and channels to customers whose {top.words} is mostly {profile[top.name]['mode']}."
    elif lifts[ranked[0]] > 0:
        strategy = f"Build on their {top.words}: offer products that reward it and a personal review."
    else:
        strategy = f"Grow their {top.words} with targeted incentives and simple onboarding."
    return name[0].upper() + name[1:], strategy


def describe_all(profiles: list[dict], population: dict, specs: list[FeatureSpec]) -> list[tuple[str, str]]:
    """A (name, strategy) for every segment profile; names are unique within the model."""
    specs = list(specs)
    pop_means = _means(population, specs)
    lifts = _lifts(profiles, population, specs)
    spending, rfm, income = _spending_map(specs), _rfm_map(specs), _income_score(specs)
    described = []
    for i, profile in enumerate(profiles):
        means = _means(profile, specs)
        if rfm:
            described.append(describe_rfm(means, pop_means, rfm))
        elif income:
            described.append(describe_income_score(means, pop_means, *income))
        elif spending:
            centroid = {cat: means[name] for name, cat in spending.items()}
            population_mean = {cat: pop_means[name] for name, cat in spending.items()}
            described.append(describe(centroid, population_mean))
        else:
            described.append(describe_generic(lifts[i], profile, specs))
    return unique(described, lifts, profiles, specs)


def unique(
    described: list[tuple[str, str]], lifts: list[dict], profiles: list[dict], specs: list[FeatureSpec]
) -> list[tuple[str, str]]:
    """Repeated names get the feature that sets each apart from its namesakes, then a number."""
    by_name = {s.name: s for s in specs}
    names = [n for n, _ in described]
    out: list[tuple[str, str]] = []
    for i, (name, strategy) in enumerate(described):
        twins = [j for j, n in enumerate(names) if n == name]
        candidate = name
        if len(twins) > 1:
            others = [j for j in twins if j != i]
            gap = {f: lifts[i][f] - np.mean([lifts[j].get(f, 0.0) for j in others]) for f in lifts[i]}
            if gap:
                f = max(gap, key=lambda f: abs(gap[f]))
                candidate = f"{name} ({_words(by_name[f], gap[f], profiles[i])})"
        taken = {n for n, _ in out}
        n = 2
        base = candidate
        while candidate in taken:
            candidate = f"{base} {n}"
            n += 1
        out.append((candidate, strategy))
    return out
