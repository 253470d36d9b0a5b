"""Fitting a segmentation model on :class:`FeatureData`: preparation, k, final fit, scores.

Flask-free and database-free so it can be tested, evaluated (``make evaluate``) and
benchmarked alone. The caller reports progress through ``on_stage(stage, fraction)``.
Steps 1-3 and the sample stage of 4 are :func:`.steps.select`, shared with the Spark engine;
this module refines the centres on every row with scikit-learn.

1. Missing values follow a recorded rule: a customer missing more than half of the
   features is left out (``kept``) and counted; other gaps take the training median
   (numeric) or the most frequent category. Never zero.
2. Numeric features are prepared per kind (:mod:`.prep`); categorical ones are one-hot
   encoded with the k-prototypes weight, so one distance serves both. Columns with no
   association with any other column weigh less (:mod:`.relevance`).
3. k is chosen on a sample (:mod:`.selection`), or the data is found to have no clear
   segment structure (``no_structure``; the service rejects the run).
4. The chosen k is fitted on the sample with many initialisations, then on every row
   from the sample's centres by KMeans; with categorical features the rows carry weighted
   one-hot categories and each segment's prototype holds its category shares (:mod:`.clustering`).
5. Extreme outliers are left out of the fit and assigned to their nearest segment; a
   cluster made only of them is not a segment.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from . import blocks, prep, steps
from .clustering import Clustering, from_centres, refine
from .kinds import FeatureData, FeatureSpec
from .predictor import FORMAT


@dataclass
class TrainOptions:
    k: int | None = None
    min_clusters: int = 2
    max_clusters: int = 10
    random_state: int = 42
    kselect_sample: int = 8_000
    silhouette_sample: int = 3_000
    n_init: int = 10
    preparation: str = prep.DEFAULT_METHOD
    clip: float | None = None
    log_scale: float = 0.25  # robust scale = this x the median non-zero size (ml.prep.fit)
    scale_quantile: float | None = 0.1  # columns with >= 5 % zeros: this quantile instead (None: alike)
    signed_log_scale: float | None = 1.0  # signed columns: this x the median size (None: alike)
    category_weight: str = "median"  # prep.category_gamma's rule
    gamma_factor: float = 1.0  # multiplies the cost of a category mismatch (prep.category_gamma)
    kproto_sample: int = 3_000  # unused since mixed data is fitted with category shares (kept: API)
    relevance: bool = True  # weigh columns by their association with the others (ml.relevance)
    # at the chosen k, numeric columns x (total / within-segment variance) ** (this / 2) (ml.spread)
    spread_weights: float = 0.5
    # with k chosen, a segment whose rows hold two groups is split, while one does (ml.splits).
    # Off: on the two sets first run with it (H in session 9, I in session 13) it turned no k
    # right and one right k wrong, though it turned 3 right on sets A-H (session 13's evaluation)
    split_segments: bool = False
    split_sample: int | None = 40_000  # rows the split test measures (None: the k sample's)

    @classmethod
    def from_config(
        cls,
        config: Mapping,
        k: int | None = None,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
    ) -> TrainOptions:
        """Options from the service's settings (MIN_CLUSTERS, ...), with per-run overrides."""
        defaults = cls()
        return cls(
            k=k,
            min_clusters=min_clusters or config["MIN_CLUSTERS"],
            max_clusters=max_clusters or config["MAX_CLUSTERS"],
            random_state=config["RANDOM_STATE"],
            kselect_sample=config.get("KSELECT_SAMPLE", defaults.kselect_sample),
            silhouette_sample=config.get("SILHOUETTE_SAMPLE", defaults.silhouette_sample),
            n_init=config.get("N_INIT", defaults.n_init),
            preparation=config.get("PREPARATION", defaults.preparation),
        )


@dataclass
class TrainedModel:
    specs: list[FeatureSpec]
    kept: np.ndarray  # bool (n,): rows that were clustered
    labels: np.ndarray  # cluster label per kept row
    sizes: np.ndarray  # rows per label
    metrics: dict
    k_curve: list[dict]
    k_reason: str
    no_structure: str | None
    notes: list[str]
    profiles: list[dict]
    population: dict
    stats: dict
    imputation: dict
    preparation: dict
    categories: list[list[str]]
    clustering: Clustering
    timings: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.sizes)

    @property
    def features(self) -> list[str]:
        return [s.name for s in self.specs]

    @property
    def method(self) -> str:
        return self.clustering.method

    @property
    def centroids(self) -> list[dict]:
        """Each cluster's centre in original units (numeric) and its mode (categorical)."""
        num = prep.inverse(self.clustering.num_centers, self.preparation)
        num_specs = [s for s in self.specs if s.numeric]
        cat_specs = [s for s in self.specs if not s.numeric]
        out = []
        for label in range(self.k):
            c = {s.name: float(num[label, j]) for j, s in enumerate(num_specs)}
            for j, s in enumerate(cat_specs):
                c[s.name] = self.categories[j][int(self.clustering.modes[label, j])]
            out.append(c)
        return out

    def artifact_payload(self) -> dict:
        """Everything :meth:`FastPredictor.from_artifact` needs (the service adds "version",
        "segment_ids" and "sklearn_version"). Plain lists and numbers only."""
        return {
            "format": FORMAT,
            "method": self.method,
            "specs": [s.as_dict() for s in self.specs],
            "features": self.features,
            "categories": {s.name: list(c) for s, c in zip(self.categorical_specs, self.categories)},
            "preparation": self.preparation,
            "imputation": self.imputation,
            "centers": self.clustering.num_centers.tolist(),
            "modes": self.clustering.modes.tolist(),
            "category_shares": None if self.clustering.shares is None else self.clustering.shares.tolist(),
            "gamma": self.clustering.gamma,
            "k_reason": self.k_reason,
            "n_train_rows": int(self.kept.sum()),
            "metrics": self.metrics,
        }

    @property
    def categorical_specs(self) -> list[FeatureSpec]:
        return [s for s in self.specs if not s.numeric]


def fit(
    data: FeatureData,
    options: TrainOptions,
    on_stage: Callable[[str, float], None] = lambda stage, fraction: None,
) -> TrainedModel:
    timings: dict[str, float] = {}
    rng = np.random.default_rng(options.random_state)

    t0 = time.perf_counter()
    sel = steps.select(data, options, on_stage, rng)
    timings["selecting k"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    on_stage("fitting", 0.0)
    # one copy of the rows at a time (10M x 8 features: 640 MB each): the original values wait
    # on disk while the fit centres the prepared rows in place, and while the rows are prepared
    # again from the file (block by block) for the labels and the metrics
    rows = sel.fit_rows()
    with set_aside(data, sel) as stored:
        final = refine(rows, sel.start, options.random_state)
        del rows
        sel.Z = stored.prepared(sel.params)
        clustering = from_centres(final.cluster_centers_, sel.Z.shape[1], sel.n_categories, sel.gamma, final)
        labels = clustering.assign(sel.Z, sel.cat)
        on_stage("fitting", 1.0)
        timings["fitting"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        on_stage("scoring", 0.0)
        metrics = steps.metrics(sel, clustering, labels, options, rng)
        sel.Z = None  # the last use of the prepared rows: profiles are in original units
    timings["scoring"] = time.perf_counter() - t0
    return model_of(data, sel, clustering, labels, options, rng, timings, on_stage, metrics=metrics)


class Stored:
    """The kept rows' original values in a temporary file (row-major float64)."""

    def __init__(self, file, offset: int, shape: tuple[int, int]):
        self.file, self.offset, self.shape = file, offset, shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        d = self.shape[1]
        self.file.seek(self.offset + start * d * 8)
        return np.fromfile(self.file, dtype=np.float64, count=(stop - start) * d).reshape(stop - start, d)

    def prepared(self, params: dict) -> np.ndarray:
        """``prep.transform`` of the rows, read and prepared :data:`.blocks.ROWS` rows at a time
        (element-wise: the same values as in one go)."""
        out = np.empty(self.shape)
        for start in range(0, self.shape[0], blocks.ROWS):
            stop = min(start + blocks.ROWS, self.shape[0])
            out[start:stop] = prep.transform(self.rows(start, stop), params)
        return out


@contextmanager
def set_aside(data: FeatureData, sel: steps.Selection) -> Iterator[Stored]:
    """The original values (``data.num`` and the kept rows ``sel.num``, often the same array)
    wait in a temporary file while the block runs, and are read back bit for bit after it:
    at 10M x 8 features they are 640 MB the fit and the metrics do not need in memory."""
    same = sel.num is data.num
    shapes = [data.num.shape, sel.num.shape]
    with tempfile.TemporaryFile() as file:
        file.write(np.ascontiguousarray(data.num).data)
        if not same:
            file.write(np.ascontiguousarray(sel.num).data)
        file.flush()
        data.num = sel.num = None
        try:
            yield Stored(file, 0 if same else 8 * int(np.prod(shapes[0])), shapes[1])
        finally:
            file.seek(0)
            data.num = np.fromfile(file, dtype=np.float64, count=int(np.prod(shapes[0]))).reshape(shapes[0])
            sel.num = (
                data.num
                if same
                else np.fromfile(file, dtype=np.float64, count=int(np.prod(shapes[1]))).reshape(shapes[1])
            )


def model_of(
    data: FeatureData,
    sel: steps.Selection,
    clustering: Clustering,
    labels: np.ndarray,
    options: TrainOptions,
    rng: np.random.Generator,
    timings: dict[str, float],
    on_stage: Callable[[str, float], None],
    notes: list[str] = (),
    metrics: dict | None = None,
) -> TrainedModel:
    """The trained model of a clustering of ``sel``'s rows: metrics (unless given: computed
    already), profiles, the record."""
    t0 = time.perf_counter()
    on_stage("scoring", 0.0)
    k = clustering.k
    if metrics is None:
        metrics = steps.metrics(sel, clustering, labels, options, rng)
    sel.Z = None  # the last use of the prepared rows: profiles are in original units
    profiles, population, stats = steps.profiles(data, sel, labels, k)
    on_stage("scoring", 1.0)
    timings["scoring"] = timings.get("scoring", 0.0) + time.perf_counter() - t0
    return TrainedModel(
        specs=list(data.specs),
        kept=sel.kept,
        labels=labels,
        sizes=np.bincount(labels, minlength=k),
        metrics=metrics,
        k_curve=[s.as_dict() for s in sel.scores],
        k_reason=sel.k_reason,
        no_structure=sel.no_structure,
        notes=[*sel.notes, *notes],
        profiles=profiles,
        population=population,
        stats=stats,
        imputation=sel.imputation,
        preparation=sel.params,
        categories=[list(c) for c in data.categories],
        clustering=clustering,
        timings=timings,
    )
