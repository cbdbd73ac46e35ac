"""answering.settings: one record of every answering weight and threshold, each with where its
value came from, inconsistent combinations refused when the record is built."""
from __future__ import annotations

from dataclasses import fields, replace

import pytest

from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings, SettingsError
from index.hybrid import DEFAULT_SETTINGS


def test_every_field_says_where_its_value_came_from():
    for f in fields(AnswerSettings):
        assert len(AnswerSettings.source(f.name)) > 20, f.name


def test_retrievals_settings_are_part_of_the_record():
    assert DEFAULT_ANSWER_SETTINGS.retrieval == DEFAULT_SETTINGS


@pytest.mark.parametrize("change", [
    {"answer_depth": 15},  # the dense-relevance background (hits 11-20) would lie beyond the hits read
    {"dense_background": (20, 10)},
    {"candidate_depth": 40},  # more candidate hits than an answer draws on
    {"unsure": 0.8},  # a figure shown as possible would need more evidence than one asserted
    {"similar_lexical": 0.9},
    {"relevance_threshold": 0.0},
    {"listed_depth": 0},
    {"similarity_weight": -1.0},
])
def test_an_inconsistent_combination_is_refused(change):
    with pytest.raises(SettingsError):
        replace(DEFAULT_ANSWER_SETTINGS, **change)


def test_a_consistent_variant_is_built():
    variant = replace(DEFAULT_ANSWER_SETTINGS, answer_depth=30, dense_background=(15, 30))
    assert variant.background == slice(15, 30)
