"""Synthetic corpora for the scale curve, made from the real plans' sentences.

Chunks are recombined real sentences with the city name and every figure
replaced (varied cities, varied numbers), so the vocabulary and term statistics
look like municipal plans without the chunks being trivial duplicates.

Tokenising a million chunks with jieba would dominate the run, so each real
sentence is tokenised once and chunks are assembled from token ids; the real
tokenisation throughput is measured separately on a sample of assembled texts
(`sample_texts`) and reported as such.

Dense vectors are synthetic too (embedding a million chunks on two cores would
take hours): unit vectors of dimension 384, either uniform on the sphere (the
hardest case for approximate search) or clustered around topic centres with a
decaying spectrum, which is closer to how sentence embeddings are distributed.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

PLANS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "plans"
DIM = 384

# Prefecture-level names (short forms) used to vary the city of each chunk.
CITIES: tuple[str, ...] = (
    "铁岭", "安阳", "安顺", "三门峡", "定州", "沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州",
    "营口", "阜新", "辽阳", "盘锦", "朝阳", "葫芦岛", "郑州", "开封", "洛阳", "平顶山", "鹤壁", "新乡",
    "焦作", "濮阳", "许昌", "漯河", "南阳", "商丘", "信阳", "周口", "驻马店", "贵阳", "六盘水", "遵义",
    "毕节", "铜仁", "石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊",
    "衡水", "太原", "大同", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁", "济南",
    "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照", "临沂", "德州",
    "聊城", "滨州", "菏泽", "合肥", "芜湖", "蚌埠", "淮南", "马鞍山", "淮北", "铜陵", "安庆", "黄山",
    "滁州", "阜阳", "宿州", "六安", "亳州", "池州", "宣城", "南昌", "景德镇", "萍乡", "九江", "新余",
)
_NUMBER = re.compile(r"^\d+(\.\d+)?%?$")
_CITY_RE = re.compile("|".join(sorted(CITIES, key=len, reverse=True)))
_SENTENCE_END = re.compile(r"(?<=[。；！？])")
_NUMBER_TOKENS = 4000  # distinct figures drawn for substitution


def real_sentences(plans_dir: Path = PLANS_DIR) -> list[str]:
    """Sentences of the built-in plans: from the chunker when it exists, else the raw files."""
    try:
        from corpus.catalog import load_corpus

        docs = load_corpus()
        sents = [s for d in docs for c in d.chunks for s in c.sentences]
        if sents:
            return _dedupe(sents)
    except ImportError:
        pass
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(plans_dir).glob("*.txt")))
    sents = [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line)]
    return _dedupe(s for s in sents if len(s) >= 8)


def _dedupe(items) -> list[str]:
    return list(dict.fromkeys(items))


class TokenizerLike(Protocol):
    def tokenize(self, text: str) -> list[str]: ...  # BM25 terms (with search-mode sub-words)
    def words(self, text: str) -> list[str]: ...  # plain segmentation


def project_tokenizer() -> TokenizerLike:
    """The index's tokenizer (jieba with the domain lexicon, search-mode sub-words)."""
    from index.tokenizer import get_tokenizer

    return get_tokenizer()


@dataclass(frozen=True)
class SyntheticCorpus:
    """Token-id documents plus the vocabulary, in the form bm25s indexes directly."""

    doc_ids: list[np.ndarray]  # one int32 array of token ids per chunk
    vocab: dict[str, int]  # token -> id
    queries: list[str]  # question-like query texts
    query_tokens: list[list[str]]  # the same, tokenised
    sentences: tuple[str, ...]  # the real sentences the chunks were assembled from
    mean_chars: float  # mean characters of an assembled chunk

    @property
    def n_chunks(self) -> int:
        return len(self.doc_ids)

    def tokens(self, i: int) -> list[str]:
        inv = self._inverse()
        return [inv[t] for t in self.doc_ids[i]]

    def _inverse(self) -> list[str]:
        inv = [""] * len(self.vocab)
        for tok, idx in self.vocab.items():
            inv[idx] = tok
        return inv

    def token_lists(self) -> list[list[str]]:
        """String tokens of every chunk (for rank-bm25; costly at large sizes)."""
        inv = np.array(self._inverse(), dtype=object)
        return [inv[d].tolist() for d in self.doc_ids]

    def sample_texts(self, n: int, seed: int = 0) -> list[str]:
        """Chunk-like texts (2-5 real sentences, city replaced) for timing real tokenisation."""
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(n):
            city = CITIES[int(rng.integers(0, len(CITIES)))]
            picks = rng.integers(0, len(self.sentences), int(rng.integers(2, 6)))
            text = "".join(self.sentences[int(j)] for j in picks)
            out.append(_CITY_RE.sub(city, text))
        return out


def build_corpus(
    n_chunks: int,
    sentences: Sequence[str],
    tokenizer: TokenizerLike,
    *,
    n_queries: int = 200,
    seed: int = 0,
    sentences_per_chunk: tuple[int, int] = (2, 5),
) -> SyntheticCorpus:
    """`n_chunks` chunks of 2-5 recombined sentences with varied city and figures."""
    if n_chunks <= 0:
        raise ValueError("n_chunks must be positive")
    if not sentences:
        raise ValueError("no source sentences: the built-in plans were not found")
    rng = np.random.default_rng(seed)
    vocab: dict[str, int] = {}

    def tid(tok: str) -> int:
        return vocab.setdefault(tok, len(vocab))

    city_names = set(CITIES)
    sentences = tuple(sentences)
    tok_sents = [tokenizer.tokenize(s) for s in sentences]
    # Each template token: an id, or -1 for a figure, or -2 for a city name.
    templates = [
        np.array([-1 if _NUMBER.match(t) else -2 if t in city_names else tid(t) for t in ts], dtype=np.int32)
        for ts in tok_sents
    ]
    templates = [t for t in templates if t.size]
    city_ids = np.array([tid(c) for c in CITIES], dtype=np.int32)
    figures = np.unique(np.concatenate([
        rng.integers(1, 2030, _NUMBER_TOKENS // 2).astype(str),
        np.char.mod("%.1f", rng.uniform(0, 100, _NUMBER_TOKENS // 2)),
    ]))
    number_ids = np.array([tid(str(f)) for f in figures], dtype=np.int32)

    lo, hi = sentences_per_chunk
    counts = rng.integers(lo, hi + 1, n_chunks)
    picks = rng.integers(0, len(templates), int(counts.sum()))
    chunk_city = rng.integers(0, len(city_ids), n_chunks)
    docs: list[np.ndarray] = []
    pos = 0
    for i in range(n_chunks):
        doc = np.concatenate([templates[j] for j in picks[pos : pos + counts[i]]])
        pos += counts[i]
        num = doc == -1
        if num.any():
            doc[num] = number_ids[rng.integers(0, len(number_ids), int(num.sum()))]
        doc[doc == -2] = city_ids[chunk_city[i]]
        # Every chunk names its city once, as the plans' own paragraphs tend to.
        docs.append(np.concatenate([city_ids[chunk_city[i] : chunk_city[i] + 1], doc]))
    queries = _queries(sentences, tokenizer, n_queries, rng)
    query_tokens = [tokenizer.tokenize(q) for q in queries]
    mean_chars = float(np.mean([len(s) for s in sentences]) * (lo + hi) / 2)
    return SyntheticCorpus(docs, vocab, queries, query_tokens, sentences, mean_chars)


def _queries(sentences: Sequence[str], tokenizer: TokenizerLike, n: int,
             rng: np.random.Generator) -> list[str]:
    """Question-like texts: a city plus 2-4 content words of one real sentence."""
    out: list[str] = []
    while len(out) < n:
        sent = sentences[int(rng.integers(0, len(sentences)))]
        words = [w for w in tokenizer.words(sent) if len(w) >= 2 and not _NUMBER.match(w)]
        if len(words) < 2:
            continue
        k = min(len(words), int(rng.integers(2, 5)))
        chosen = sorted(int(j) for j in rng.choice(len(words), size=k, replace=False))
        out.append(CITIES[int(rng.integers(0, len(CITIES)))] + "".join(words[j] for j in chosen))
    return out


def synthetic_vectors(
    n: int,
    dim: int = DIM,
    *,
    distribution: str = "clustered",
    seed: int = 0,
    batch: int = 100_000,
) -> np.ndarray:
    """`n` unit vectors (float32). "uniform": on the sphere; "clustered": topic centres."""
    if distribution not in ("uniform", "clustered"):
        raise ValueError(f"unknown distribution {distribution!r}; choose uniform or clustered")
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    if distribution == "clustered":
        # Decaying spectrum: a few directions carry most variance, as in embeddings.
        spectrum = (1.0 / np.sqrt(np.arange(1, dim + 1))).astype(np.float32)
        n_centres = max(16, n // 200)
        centres = rng.standard_normal((n_centres, dim), dtype=np.float32) * spectrum
    for start in range(0, n, batch):
        m = min(batch, n - start)
        x = rng.standard_normal((m, dim), dtype=np.float32)
        if distribution == "clustered":
            x = centres[rng.integers(0, n_centres, m)] + 0.6 * x * spectrum
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[start : start + m] = x
    return out


def synthetic_queries(n: int, dim: int = DIM, *, distribution: str = "clustered", seed: int = 0,
                      corpus_size: int = 0) -> np.ndarray:
    """Held-out query vectors drawn from the same distribution as the corpus.

    For "clustered" the centres must be the corpus's: they are regenerated from
    the same seed and corpus size, so queries fall near real topics.
    """
    if distribution == "uniform":
        return synthetic_vectors(n, dim, distribution="uniform", seed=seed + 7919)
    rng = np.random.default_rng(seed)
    spectrum = (1.0 / np.sqrt(np.arange(1, dim + 1))).astype(np.float32)
    n_centres = max(16, corpus_size // 200)
    centres = rng.standard_normal((n_centres, dim), dtype=np.float32) * spectrum
    qrng = np.random.default_rng(seed + 7919)
    x = centres[qrng.integers(0, n_centres, n)] + 0.6 * qrng.standard_normal((n, dim), dtype=np.float32) * spectrum
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)
