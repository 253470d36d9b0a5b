"""Descriptive names and suggested strategies for segments, derived from centroids.

A centroid is compared with the population mean per spending category; the categories
where the segment spends far more than average give it its name ("Frequent Online
Shopper"), and a segment that pays its bills and little else is "Utilities Only".
"""

from __future__ import annotations

from .features import CATEGORIES

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


def describe_all(
    centroids: list[dict[str, float]], population_mean: dict[str, float]
) -> list[tuple[str, str]]:
    """Names for every centroid, made unique by the category that distinguishes them."""
    described = [describe(c, population_mean) for c in centroids]
    names = [n for n, _ in described]
    out = []
    for i, (name, strategy) in enumerate(described):
        if names.count(name) > 1:
            rel = {
                c: centroids[i][c] / max(population_mean[c], 1e-9)
                for c in CATEGORIES
                if c in centroids[i] and c in population_mean
            }
            top = max(rel, key=rel.get) if rel else None
            suffix = PERSONAS[top][1] if top else str(i + 1)
            candidate = f"{name} ({suffix})"
            n = 2
            while candidate in [o[0] for o in out]:
                candidate = f"{name} ({suffix} {n})"
                n += 1
            name = candidate
        out.append((name, strategy))
    return out
