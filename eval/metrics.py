"""Per-question and aggregate retrieval metrics.

MRR@10, nDCG@10 and Recall@k come from ir-measures with its pytrec_eval provider: pytrec_eval
wraps the reference trec_eval C code, so the figures mean exactly what the IR literature
means by them (tie handling, cut-offs, empty runs) instead of what a hand-written loop
happens to do.

The qrels/run are built at gold level, not chunk level: each gold of a question is one
relevant "document" (`g0`, `g1`, ...). At each rank the retrieved chunk is reported under the
id of the first gold it contains that no earlier chunk contained, otherwise under its own
chunk id (not relevant). So a gold quoted twice in a plan (e.g. once in a news-style lead)
is found once, and a cross-city question with three golds has three relevant units.
trec_eval orders a run by score, so scores are synthetic and strictly decreasing with rank.

Hit@k is computed here, explicitly: a question with n golds is a hit at k only when ALL its
golds are in the top max(k, n). For single-gold questions that is "the gold is in the top k";
for a cross_city question with n cities, Hit@1 asks that the first n results are exactly one
clause per city (the first screen answers the comparison: an R-precision-style cut-off, since
no single result can hold n cities' clauses), and Hit@5/Hit@10 that every city's clause is in
the top 5/10. Recall@k (ir-measures) instead gives the fraction of golds in the top k.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ir_measures
import numpy as np
from ir_measures import R, RR, Qrel, ScoredDoc, nDCG

from corpus.model import Chunk
from eval.questions import Question
from eval.relevance import matched_golds

METRICS: tuple[str, ...] = ("Hit@1", "Hit@5", "Hit@10", "Recall@5", "Recall@10", "MRR@10", "nDCG@10")
_IR_MEASURES = {"Recall@5": R @ 5, "Recall@10": R @ 10, "MRR@10": RR @ 10, "nDCG@10": nDCG @ 10}
_HIT_CUTOFFS = {"Hit@1": 1, "Hit@5": 5, "Hit@10": 10}


@dataclass(frozen=True)
class QuestionScore:
    qid: str
    type: str
    city: str  # Question.city_label
    gold_ranks: tuple[int | None, ...]  # 1-based rank of each gold, None if not retrieved
    values: Mapping[str, float]  # metric name -> value, for every name in METRICS


def gold_doc_ids(question: Question, ranking: Sequence[Chunk]) -> list[str]:
    """The run's document ids for one ranking (see module docstring)."""
    found: set[int] = set()
    ids: list[str] = []
    for chunk in ranking:
        fresh = [i for i in matched_golds(question, chunk) if i not in found]
        if fresh:
            found.add(fresh[0])
            ids.append(f"g{fresh[0]}")
        else:
            ids.append(f"c:{chunk.chunk_id}")
    return ids


def hit_at(gold_ranks: Sequence[int | None], k: int) -> bool:
    """True when every gold was retrieved within the top max(k, number of golds)."""
    cutoff = max(k, len(gold_ranks))
    return all(r is not None and r <= cutoff for r in gold_ranks)


def score_questions(
    questions: Sequence[Question],
    rankings: Mapping[str, Sequence[Chunk]],
    gold_ranks: Mapping[str, Sequence[int | None]],
) -> list[QuestionScore]:
    """Metrics for every question; a question missing from `rankings` scores 0 everywhere."""
    qrels = [Qrel(q.id, f"g{i}", 1) for q in questions for i in range(len(q.gold))]
    run: list[ScoredDoc] = []
    for q in questions:
        doc_ids = gold_doc_ids(q, rankings.get(q.id, ()))
        seen: set[str] = set()
        for rank, doc_id in enumerate(doc_ids):
            if doc_id in seen:  # the same chunk twice would be one trec_eval document
                continue
            seen.add(doc_id)
            run.append(ScoredDoc(q.id, doc_id, float(len(doc_ids) - rank)))
    by_measure = {measure: name for name, measure in _IR_MEASURES.items()}
    values: dict[str, dict[str, float]] = {q.id: {} for q in questions}
    for metric in ir_measures.pytrec_eval.iter_calc(list(_IR_MEASURES.values()), qrels, run):
        values[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    scores = []
    for q in questions:
        ranks = tuple(gold_ranks.get(q.id, (None,) * len(q.gold)))
        row = {name: values[q.id].get(name, 0.0) for name in _IR_MEASURES}
        row.update({name: float(hit_at(ranks, k)) for name, k in _HIT_CUTOFFS.items()})
        scores.append(QuestionScore(q.id, q.type, q.city_label, ranks, {m: row[m] for m in METRICS}))
    return scores


def aggregate(scores: Sequence[QuestionScore]) -> dict[str, float]:
    """Mean of every metric over `scores`, plus the count `n`."""
    out: dict[str, float] = {"n": float(len(scores))}
    for name in METRICS:
        out[name] = float(np.mean([s.values[name] for s in scores])) if scores else 0.0
    return out


def group_key_city(score: QuestionScore) -> str:
    """Per-city grouping; cross-city questions form their own group rather than count twice."""
    return "多市" if "+" in score.city else score.city


def aggregate_by(scores: Sequence[QuestionScore], key: str) -> dict[str, dict[str, float]]:
    """Aggregates per question type (`key="type"`) or per city (`key="city"`)."""
    groups: dict[str, list[QuestionScore]] = {}
    for s in scores:
        groups.setdefault(s.type if key == "type" else group_key_city(s), []).append(s)
    return {name: aggregate(members) for name, members in groups.items()}


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    """Mean and 95th percentile (linear interpolation) of per-question latencies."""
    if not latencies_ms:
        return {"mean": 0.0, "p95": 0.0}
    arr = np.asarray(latencies_ms, dtype=float)
    return {"mean": float(arr.mean()), "p95": float(np.percentile(arr, 95))}
