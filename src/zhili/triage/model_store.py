"""Versioned model files and the ``active`` pointer.

Layout, under ``<ZHILI_DATA_DIR>/models`` (or ``--model-dir``)::

    <kind>/<version>/model.joblib   the fitted classifier
    <kind>/<version>/meta.json      training data summary, configuration and metrics
    <kind>/active                   the active version's name, one line

A version directory appears only once complete (written beside it, then renamed), and the pointer
is replaced atomically, so a reader never sees half a model. :class:`ActiveModel` notices a new
pointer by its modification time and swaps models without a restart.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib

from zhili.errors import NotFound, ValidationFailed
from zhili.kernel.clock import utcnow
from zhili.triage.classifier import Classifier, KeywordClassifier, demand_type_keywords

KINDS = ("category", "demand_type")
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
POINTER = "active"
COLD_START = "cold-start"

log = logging.getLogger(__name__)


def models_root(data_dir: Path) -> Path:
    return Path(data_dir) / "models"


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationFailed(f"未知的模型种类“{kind}”；可选：{'、'.join(KINDS)}。", field="kind")
    return kind


def cold_start(kind: str) -> Classifier:
    """What classifies before any model is trained: the taxonomy's (or the types') keywords."""
    check_kind(kind)
    return KeywordClassifier.from_taxonomy() if kind == "category" else demand_type_keywords()


def _new_version(kind_dir: Path) -> str:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    version, n = stamp, 1
    while (kind_dir / version).exists():
        n += 1
        version = f"{stamp}-{n}"
    return version


def save_model(root: Path, kind: str, model: Any, meta: dict[str, Any], activate: bool = True) -> str:
    """Write a new version (model + meta.json) and, by default, make it the active one."""
    kind_dir = Path(root) / check_kind(kind)
    kind_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=kind_dir))
    try:
        version = _new_version(kind_dir)
        joblib.dump(model, staging / MODEL_FILE)
        meta = {"kind": kind, "version": version, "created_at": utcnow().isoformat(), **meta}
        (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        staging.rename(kind_dir / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if activate:
        activate_version(root, kind, version)
    return version


def activate_version(root: Path, kind: str, version: str) -> None:
    kind_dir = Path(root) / check_kind(kind)
    if not (kind_dir / version / MODEL_FILE).is_file():
        raise NotFound(f"没有找到 {kind} 模型版本“{version}”。", field="version")
    pointer = kind_dir / POINTER
    fd, tmp = tempfile.mkstemp(prefix=".active-", dir=kind_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
    # Readers notice a switch by the pointer's mtime: make sure it moves forward even when the
    # file system's clock is coarser than two quick activations.
    try:
        previous = pointer.stat().st_mtime_ns
    except FileNotFoundError:
        previous = None
    written = os.stat(tmp)
    if previous is not None and written.st_mtime_ns <= previous:
        os.utime(tmp, ns=(written.st_atime_ns, previous + 1_000))
    os.replace(tmp, pointer)


def active_version(root: Path, kind: str) -> str | None:
    pointer = Path(root) / check_kind(kind) / POINTER
    try:
        return pointer.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def list_versions(root: Path, kind: str) -> list[dict[str, Any]]:
    """meta.json of every version, oldest first."""
    kind_dir = Path(root) / check_kind(kind)
    if not kind_dir.is_dir():
        return []
    metas = []
    for path in sorted(p for p in kind_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            metas.append(json.loads((path / META_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            metas.append({"version": path.name, "error": "meta.json 缺失或无法读取"})
    return metas


def load_version(root: Path, kind: str, version: str) -> Any:
    path = Path(root) / check_kind(kind) / version / MODEL_FILE
    if not path.is_file():
        raise NotFound(f"没有找到 {kind} 模型版本“{version}”。", field="version")
    return joblib.load(path)


def load_active_from(root: Path, kind: str) -> Classifier:
    """The active model under ``root``, or the cold-start keywords when there is none (or it is
    unreadable: the service keeps classifying, and the problem is logged)."""
    version = active_version(root, kind)
    if version is None:
        return cold_start(kind)
    try:
        model: Classifier = load_version(root, kind, version)
        return model
    except Exception:
        log.exception("active %s model %s could not be loaded; using cold-start keywords", kind, version)
        return cold_start(kind)


def load_active(data_dir: Path, kind: str) -> Classifier:
    return load_active_from(models_root(data_dir), kind)


@dataclass
class _Loaded:
    stamp: int | None
    model: Classifier
    version: str


class ActiveModel:
    """The active model of one kind, reloaded when the ``active`` pointer file changes.

    ``get()`` costs one ``stat`` when nothing changed; it is safe to call from many threads.
    """

    def __init__(self, root: Path, kind: str) -> None:
        self.root = Path(root)
        self.kind = check_kind(kind)
        self._pointer = str(self.root / self.kind / POINTER)
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def _stamp(self) -> int | None:
        try:
            return os.stat(self._pointer).st_mtime_ns
        except FileNotFoundError:
            return None

    def get(self) -> Classifier:
        return self.current().model

    def version(self) -> str:
        """The active version's name, or ``cold-start`` while the taxonomy keywords classify."""
        return self.current().version

    def current(self) -> _Loaded:
        stamp = self._stamp()
        loaded = self._loaded
        if loaded is not None and loaded.stamp == stamp:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.stamp != stamp:
                model = load_active_from(self.root, self.kind)
                version = active_version(self.root, self.kind)
                if getattr(model, "cold_start", False) or version is None:
                    version = COLD_START
                self._loaded = _Loaded(stamp, model, version)
            return self._loaded


_active: dict[tuple[Path, str], ActiveModel] = {}
_active_lock = threading.Lock()


def active_model(root: Path, kind: str) -> ActiveModel:
    """The process-wide :class:`ActiveModel` of ``kind`` under ``root`` (one per root and kind)."""
    key = (Path(root), check_kind(kind))
    model = _active.get(key)
    if model is None:
        with _active_lock:
            model = _active.setdefault(key, ActiveModel(*key))
    return model
