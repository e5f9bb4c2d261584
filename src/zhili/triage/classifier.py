"""Demand classifiers: a trained text model, and a keyword model for the cold start.

:class:`TextClassifier` ensembles three linear views of the same character n-gram features —
Complement Naive Bayes, NB-SVM (class-balanced linear SVMs on naive-Bayes-reweighted features) and
a class-balanced linear SVM. Each view's scores are scaled to unit spread on the training data and
summed; because all three are linear in the features, the sum folds into ONE weight matrix, so a
prediction is one sparse row times one dense matrix followed by a softmax.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from zhili.errors import ValidationFailed
from zhili.triage.features import CharNgramFeatures, FeatureConfig, decode_key
from zhili.triage.text import normalise

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sqlalchemy.orm import Session

Ranked = list[tuple[str, float]]


class Classifier(Protocol):
    labels: list[str]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...

    def top_k(self, text: str, k: int = 3) -> Ranked: ...

    def explain(self, text: str, label: str, n: int = 5) -> list[str]: ...

    def top_k_explained(self, text: str, k: int = 3, n: int = 5) -> tuple[Ranked, list[str]]: ...


@dataclass(frozen=True)
class ModelConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    nb_alpha: float = 0.03
    nbsvm_alpha: float = 1.0
    nbsvm_c: float = 0.3
    svm_c: float = 2.0
    # Scores are shifted by -prior_correction × log(class share): small classes are otherwise under-
    # predicted, which costs macro-F1. Chosen by cross-validation on training data only.
    prior_correction: float = 0.5
    # Softmax temperature of the summed, unit-spread scores; chosen by cross-validated log-loss.
    temperature: float = 0.75
    # Only the first max_chars characters (title first, then body) are read; 0 reads everything.
    # 600 scores the same as no cap in cross-validation and bounds the time of one prediction.
    max_chars: int = 600
    seed: int = 0


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


def _ranked(labels: list[str], probabilities: np.ndarray, k: int) -> Ranked:
    k = max(1, min(k, len(labels)))
    order = np.argsort(-probabilities, kind="stable")[:k]
    return [(labels[i], float(probabilities[i])) for i in order]


def _unit_spread(weights: np.ndarray, bias: np.ndarray, matrix: sp.csr_matrix) -> float:
    """The spread (standard deviation) of row-centred training scores of one view."""
    scores = np.asarray(matrix @ weights.T) + bias
    scores -= scores.mean(axis=1, keepdims=True)
    spread = float(scores.std())
    return spread if spread > 0 else 1.0


def _svm_weights(svm: Any, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    coef, intercept = svm.coef_, svm.intercept_
    if n_classes == 2:  # scikit-learn keeps one row for two classes: the positive side
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return coef.astype(np.float32), intercept.astype(np.float32)


def _nbsvm_weights(
    matrix: sp.csr_matrix, y: np.ndarray, n_classes: int, alpha: float, c: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest SVMs on features scaled by the naive-Bayes log-count ratio, folded back."""
    from sklearn.svm import LinearSVC

    present = matrix.copy()
    present.data[:] = 1.0
    totals = np.asarray(present.sum(axis=0)).ravel()
    coef = np.zeros((n_classes, matrix.shape[1]), dtype=np.float32)
    intercept = np.zeros(n_classes, dtype=np.float32)
    for index in range(n_classes):
        positive = y == index
        pos = np.asarray(present[positive].sum(axis=0)).ravel() + alpha
        neg = totals - pos + 2 * alpha
        ratio = np.log((pos / pos.sum()) / (neg / neg.sum())).astype(np.float32)
        svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
        scaled = matrix.copy()
        scaled.data *= ratio[scaled.indices]  # = matrix @ diag(ratio), without a sparse product
        svm.fit(scaled, positive.astype(int))
        coef[index] = svm.coef_[0] * ratio
        intercept[index] = svm.intercept_[0]
    return coef, intercept


class TextClassifier:
    """Learns labels from history; ``top_k`` gives (label, probability) pairs, best first."""

    def __init__(self, config: ModelConfig | None = None) -> None:
        self.config = config or ModelConfig()
        self.features = CharNgramFeatures(self.config.features)
        self.labels: list[str] = []
        self._weights = np.zeros((0, 0), dtype=np.float32)  # features × classes
        self._bias = np.zeros(0, dtype=np.float32)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        # scikit-learn is needed to fit only: a stored model predicts with numpy and scipy alone.
        from sklearn.naive_bayes import ComplementNB
        from sklearn.svm import LinearSVC

        if len(texts) != len(labels):
            raise ValidationFailed("文本与标签数量不一致。")
        self.labels = sorted(set(labels))
        if len(self.labels) < 2:
            raise ValidationFailed("训练数据至少需要两个类别。", field="label_column")
        index = {label: i for i, label in enumerate(self.labels)}
        y = np.fromiter((index[label] for label in labels), dtype=np.int64, count=len(labels))
        matrix = self.features.fit_transform([self._prepare(t) for t in texts])
        cfg, n = self.config, len(self.labels)

        nb = ComplementNB(alpha=cfg.nb_alpha).fit(matrix, y)
        views = [(nb.feature_log_prob_.astype(np.float32), np.zeros(n, dtype=np.float32))]
        views.append(_nbsvm_weights(matrix, y, n, cfg.nbsvm_alpha, cfg.nbsvm_c, cfg.seed))
        svm = LinearSVC(C=cfg.svm_c, class_weight="balanced", random_state=cfg.seed).fit(matrix, y)
        views.append(_svm_weights(svm, n))

        weights = np.zeros((n, matrix.shape[1]), dtype=np.float32)
        bias = np.zeros(n, dtype=np.float32)
        for view_weights, view_bias in views:
            spread = _unit_spread(view_weights, view_bias, matrix)
            weights += view_weights / spread
            bias += view_bias / spread
        shares = np.bincount(y, minlength=n) / len(y)
        bias -= cfg.prior_correction * np.log(shares).astype(np.float32)
        self._weights = np.ascontiguousarray((weights / cfg.temperature).T)
        self._bias = bias / cfg.temperature
        return self

    def _prepare(self, text: str) -> str:
        text = normalise(text)
        cap = self.config.max_chars
        return text[:cap] if cap else text

    def _require_fitted(self) -> None:
        if not self.labels:
            raise ValidationFailed("模型尚未训练。")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._require_fitted()
        matrix = self.features.transform([self._prepare(t) for t in texts])
        return _softmax(np.asarray(matrix @ self._weights) + self._bias)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.labels[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def top_k(self, text: str, k: int = 3) -> Ranked:
        self._require_fitted()
        return self._top_k(*self.features.transform_one(self._prepare(text)), k)

    def _top_k(self, cols: np.ndarray, values: np.ndarray, k: int) -> Ranked:
        scores = values @ self._weights[cols] + self._bias
        return _ranked(self.labels, _softmax(scores[None, :])[0], k)

    def top_k_explained(self, text: str, k: int = 3, n: int = 5) -> tuple[Ranked, list[str]]:
        """:meth:`top_k` and :meth:`explain` of the best label, featurising ``text`` once."""
        self._require_fitted()
        cols, values = self.features.transform_one(self._prepare(text))
        ranked = self._top_k(cols, values, k)
        return ranked, self._explain(cols, values, ranked[0][0], n)

    def explain(self, text: str, label: str, n: int = 5) -> list[str]:
        """The character n-grams that pushed ``text`` most towards ``label`` (longest reading first)."""
        if label not in self.labels:
            return []
        return self._explain(*self.features.transform_one(self._prepare(text)), label, n)

    def _explain(self, cols: np.ndarray, values: np.ndarray, label: str, n: int) -> list[str]:
        if not cols.size:
            return []
        contribution = values * self._weights[cols, self.labels.index(label)]
        found: list[str] = []
        for i in np.argsort(-contribution):
            if contribution[i] <= 0 or len(found) >= n:
                break
            gram = decode_key(int(self.features.keys[cols[i]])).strip()
            if len(gram) >= 2 and not any(gram in f for f in found):
                found.append(gram)
        return found


class KeywordClassifier:
    """The cold start: scores labels by the taxonomy keywords found in the text.

    Longer keywords weigh more (``停水`` says more than ``水``). A text with no keyword at all gets
    equal probabilities, so a low-confidence threshold sends it to manual dispatch.
    """

    cold_start = True

    def __init__(self, keywords: dict[str, Iterable[str]]) -> None:
        self.labels = list(keywords)
        self._keywords = [
            sorted({normalise(k) for k in words if normalise(k)}, key=len, reverse=True)
            for words in keywords.values()
        ]

    @classmethod
    def from_category_rows(cls, rows: Iterable[dict[str, str]]) -> KeywordClassifier:
        """Level-1 categories from taxonomy rows (code, name, keywords); a child's keywords count
        for its level-1 ancestor, and the category's own name is a keyword too."""
        rows = list(rows)
        names = {r["code"]: r["name"] for r in rows if len(r["code"]) == 2}
        keywords: dict[str, set[str]] = {name: {name} for name in names.values()}
        for row in rows:
            top = names.get(row["code"][:2])
            if top is not None:
                keywords[top].update(k.strip() for k in (row.get("keywords") or "").split(";"))
        return cls({name: sorted(words) for name, words in keywords.items()})

    @classmethod
    def from_session(cls, session: Session) -> KeywordClassifier:
        """From the categories in the database, as admins have edited them (active ones only)."""
        from zhili.taxonomy.repository import all_categories

        return cls.from_category_rows(
            {"code": c.code, "name": c.name, "keywords": c.keywords or ""} for c in all_categories(session)
        )

    @classmethod
    def from_taxonomy(cls) -> KeywordClassifier:
        """From the shipped default taxonomy (``taxonomy/data/categories.csv``)."""
        from zhili.taxonomy.service import default_category_rows

        return cls.from_category_rows(default_category_rows())

    def _scores(self, text: str) -> np.ndarray:
        text = normalise(text)
        return np.array(
            [sum(len(k) for k in words if k in text) for words in self._keywords], dtype=np.float64
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = np.vstack([self._scores(t) for t in texts]) if texts else np.zeros((0, len(self.labels)))
        return _softmax(scores)

    def top_k(self, text: str, k: int = 3) -> Ranked:
        return _ranked(self.labels, self.predict_proba([text])[0], k)

    def top_k_explained(self, text: str, k: int = 3, n: int = 5) -> tuple[Ranked, list[str]]:
        ranked = self.top_k(text, k)
        return ranked, self.explain(text, ranked[0][0], n)

    def explain(self, text: str, label: str, n: int = 5) -> list[str]:
        """The taxonomy keywords of ``label`` found in ``text``, longest first."""
        if label not in self.labels:
            return []
        text = normalise(text)
        return [k for k in self._keywords[self.labels.index(label)] if k in text][:n]


# Cold-start cues for the demand type (性质); the labels are the Chinese names used in history files.
DEMAND_TYPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "投诉": ("投诉", "不满", "反映", "扰民", "不作为", "乱收费", "拖欠"),
    "咨询": ("咨询", "请问", "如何", "怎么", "是否", "什么时候", "能否告知", "多少"),
    "求助": ("求助", "帮忙", "帮助", "救助", "困难", "急需", "无法"),
    "举报": ("举报", "违法", "违规", "非法", "偷排", "违建", "私自"),
    "建议": ("建议", "希望", "提议", "能否", "应该", "呼吁"),
    "表扬": ("表扬", "感谢", "点赞", "锦旗", "致谢", "满意"),
}


def demand_type_keywords() -> KeywordClassifier:
    return KeywordClassifier({label: list(words) for label, words in DEMAND_TYPE_KEYWORDS.items()})
