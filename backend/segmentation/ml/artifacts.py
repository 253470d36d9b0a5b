"""Immutable, versioned model artifacts on disk.

joblib files are pickles, so a file is loaded only when its SHA-256 matches the hash the
trainer recorded in PostgreSQL; the bytes that were hashed are the bytes unpickled.
Files are written to a temporary name in the same folder and ``os.replace``d into place,
so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import joblib
import sklearn

from .predictor import FORMAT  # 2: preparation per feature kind as NumPy parameters, no pipeline

ACTIVE_NAME = "kmeans_model.joblib"
REQUIRED_KEYS = {
    "format",
    "version",
    "specs",
    "preparation",
    "centers",
    "features",
    "segment_ids",
    "sklearn_version",
}


class ArtifactError(Exception):
    """The artifact is missing, altered, or was written by an incompatible trainer."""


def version_filename(version: int) -> str:
    return f"model-v{version:05d}.joblib"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_artifact(model_dir: str | Path, artifact: dict) -> tuple[Path, str]:
    """Write a new version's artifact; return its path and SHA-256. Never overwrites."""
    missing = REQUIRED_KEYS - artifact.keys()
    if missing:
        raise ArtifactError(f"artifact lacks {sorted(missing)}")
    buf = io.BytesIO()
    joblib.dump(artifact, buf, compress=3)
    data = buf.getvalue()
    target = Path(model_dir) / version_filename(artifact["version"])
    if target.exists():
        raise ArtifactError(f"{target} already exists; artifacts are immutable")
    _atomic_write(target, lambda fh: fh.write(data))
    return target, sha256_bytes(data)


def publish_active(model_dir: str | Path, source: str | Path) -> Path:
    """Copy a version's file to ``MODEL_DIR/kmeans_model.joblib`` atomically."""
    target = Path(model_dir) / ACTIVE_NAME

    def copy(fh):
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh)

    _atomic_write(target, copy)
    return target


def load_artifact(path: str | Path, expected_sha256: str) -> dict:
    """Load an artifact after checking its hash, format and scikit-learn version."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ArtifactError(f"cannot read model file {path}: {exc.strerror}") from exc
    actual = sha256_bytes(data)
    if actual != expected_sha256:
        raise ArtifactError(
            f"refusing model file {path}: SHA-256 {actual[:12]}... does not match the recorded "
            f"{expected_sha256[:12]}..."
        )
    artifact = joblib.load(io.BytesIO(data))
    if not isinstance(artifact, dict) or REQUIRED_KEYS - artifact.keys() or artifact["format"] != FORMAT:
        raise ArtifactError(f"{path} is not a format-{FORMAT} segmentation artifact")
    if artifact["sklearn_version"] != sklearn.__version__:
        raise ArtifactError(
            f"{path} was trained with scikit-learn {artifact['sklearn_version']}, "
            f"this process runs {sklearn.__version__}"
        )
    return artifact
