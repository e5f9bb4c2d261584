"""The trained text classifier and the cold-start keyword classifier."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.errors import ValidationFailed
from zhili.taxonomy.models import Category
from zhili.triage.classifier import KeywordClassifier, TextClassifier, demand_type_keywords
from zhili.triage.features import CharNgramFeatures, decode_key, ngram_keys
from zhili.triage.text import join_fields, normalise


def test_normalise_folds_width_case_and_whitespace() -> None:
    assert normalise("ＡＢＣ小区　３号楼\n\t漏水！") == "abc小区 3号楼 漏水!"
    assert normalise(None) == ""
    assert normalise("  \u3000 ") == ""
    assert join_fields(["  标题 ", None, "", "正文\n内容"]) == "标题 正文 内容"


def test_features_equal_scikit_learn_tfidf(samples: tuple[list[str], list[str]]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [normalise(t) for t in samples[0]]
    features = CharNgramFeatures()
    ours = features.fit_transform(texts).toarray()
    reference = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, max_df=0.9)
    theirs = reference.fit_transform(texts).toarray()
    assert features.size == len(reference.vocabulary_)
    columns = np.searchsorted(
        features.keys, [ngram_keys(term, len(term))[0] for term in reference.get_feature_names_out()]
    )
    assert np.allclose(ours[:, columns], theirs, atol=1e-6)
    assert {decode_key(int(k)) for k in features.keys} == set(reference.vocabulary_)


def test_fast_single_text_features_equal_the_batch_features(samples: tuple[list[str], list[str]]) -> None:
    texts, _ = samples
    features = CharNgramFeatures()
    batch = features.fit_transform(texts).toarray()
    again = features.transform(texts).toarray()
    assert np.allclose(batch, again, atol=1e-6)
    cols, values = features.transform_one(texts[3])
    row = np.zeros(features.size, dtype=np.float32)
    row[cols] = values
    assert np.allclose(row, batch[3], atol=1e-6)
    assert features.transform_one("🙂🙂")[0].size == 0  # nothing known: an empty row, no error
    assert features.transform_one("")[0].size == 0
    # Packed keys never collide across lengths, even with a NUL in the text.
    keys = ngram_keys("a\x00b", 1, 3)
    assert len(set(keys.tolist())) == len(keys) == 3  # a, b, ab
    assert decode_key(int(ngram_keys("停水了", 3)[0])) == "停水了"


def test_trained_classifier_ranks_the_right_category_first(samples: tuple[list[str], list[str]]) -> None:
    texts, labels = samples
    model = TextClassifier().fit(texts, labels)
    assert model.labels == sorted(set(labels))
    cases = {
        "公司拖欠工资，工人讨薪无门": "劳动和社会保障",
        "公交车到站不停车": "交通运输",
        "学校强制学生参加补课": "教育文体",
        "工厂排放废气，河水发臭": "环境保护",
    }
    for text, expected in cases.items():
        top = model.top_k(text, k=3)
        assert top[0][0] == expected, (text, top)
    assert model.predict(list(cases)) == list(cases.values())


def test_top_k_is_sorted_and_probabilities_sum_to_at_most_one(samples: tuple[list[str], list[str]]) -> None:
    texts, labels = samples
    model = TextClassifier().fit(texts, labels)
    for text in ("出租车乱收费", "退休金", "", "完全无关的一句话 xyz"):
        top = model.top_k(text, k=3)
        assert len(top) == 3
        probabilities = [p for _, p in top]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0 <= p <= 1 for p in probabilities)
        assert sum(probabilities) <= 1 + 1e-6
    assert len(model.top_k("出租车", k=10)) == len(model.labels)  # k larger than the label set
    proba = model.predict_proba(["出租车乱收费", "退休金没调整"])
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(axis=1), 1)
    # The single-text path and the batch path give the same numbers.
    single = dict(model.top_k("出租车乱收费", k=4))
    assert np.allclose([single[label] for label in model.labels], proba[0], atol=1e-5)


def test_two_classes_are_enough() -> None:
    texts = ["停水三天了", "自来水发黄", "水压太低", "路灯不亮", "井盖丢了", "人行道坑洼"]
    labels = ["供水", "供水", "供水", "市政", "市政", "市政"]
    model = TextClassifier().fit(texts, labels)
    assert model.top_k("小区又停水了", k=3)[0][0] == "供水"
    assert len(model.top_k("井盖", k=3)) == 2


def test_training_refuses_one_class_and_mismatched_lengths() -> None:
    with pytest.raises(ValidationFailed, match="至少需要两个类别"):
        TextClassifier().fit(["甲", "乙"], ["环境保护", "环境保护"])
    with pytest.raises(ValidationFailed, match="数量不一致"):
        TextClassifier().fit(["甲", "乙"], ["环境保护"])
    with pytest.raises(ValidationFailed, match="尚未训练"):
        TextClassifier().top_k("停水")


def test_cold_start_keywords_pick_the_taxonomy_category() -> None:
    model = KeywordClassifier.from_taxonomy()
    assert len(model.labels) >= 15
    assert "水电气热" in model.labels and "城乡建设" in model.labels
    cases = {
        "家里停水三天了": "水电气热",
        "暖气不热，室温只有十几度": "水电气热",
        "楼下饭店油烟太大": "环境保护",
        "小区门口有人占道经营摆摊": "城市管理",
        "物业费乱收费": "物业管理",
    }
    for text, expected in cases.items():
        top = model.top_k(text, k=3)
        assert top[0][0] == expected, (text, top)
        assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
        assert sum(p for _, p in top) <= 1 + 1e-9


def test_cold_start_without_any_keyword_is_not_confident() -> None:
    model = KeywordClassifier.from_taxonomy()
    top = model.top_k("今天天气不错", k=3)
    assert top[0][1] == pytest.approx(1 / len(model.labels))


def test_cold_start_counts_child_keywords_for_the_level_one_parent() -> None:
    rows = [
        {"code": "01", "name": "市政", "keywords": ""},
        {"code": "0101", "name": "路灯", "keywords": "路灯;不亮"},
        {"code": "010101", "name": "路灯不亮", "keywords": "灯杆"},
        {"code": "02", "name": "供水", "keywords": "自来水"},
    ]
    model = KeywordClassifier.from_category_rows(rows)
    assert model.labels == ["市政", "供水"]
    assert model.top_k("小区灯杆倒了")[0][0] == "市政"
    assert model.top_k("自来水发黄")[0][0] == "供水"
    assert model.top_k("市政设施坏了")[0][0] == "市政"  # the name itself is a keyword


def test_cold_start_from_the_database_taxonomy_follows_admin_edits(session: Session) -> None:
    water = session.execute(select(Category).where(Category.code == "12")).scalar_one()
    water.keywords = "咕噜声"  # an admin adds a keyword to a level-1 category
    session.flush()
    model = KeywordClassifier.from_session(session)
    assert "水电气热" in model.labels
    assert model.top_k("管道里一直有咕噜声")[0][0] == "水电气热"
    assert model.top_k("家里停水三天了")[0][0] == "水电气热"


def test_demand_type_cold_start() -> None:
    model = demand_type_keywords()
    assert set(model.labels) == {"咨询", "求助", "投诉", "举报", "建议", "表扬"}
    assert model.top_k("我要举报有人偷排污水")[0][0] == "举报"
    assert model.top_k("请问办理居住证需要什么材料")[0][0] == "咨询"
    assert model.top_k("感谢社区工作人员，特此表扬")[0][0] == "表扬"


def test_top_k_explained_is_top_k_and_the_best_labels_explanation(
    samples: tuple[list[str], list[str]],
) -> None:
    texts, labels = samples
    for model in (TextClassifier().fit(texts, labels), KeywordClassifier.from_taxonomy()):
        for text in ("公司拖欠工资，工人讨薪无门", "家里停水三天了", ""):
            ranked, keywords = model.top_k_explained(text, 3)
            assert ranked == model.top_k(text, 3)
            assert keywords == model.explain(text, ranked[0][0])
