import threading
import time

from corpus.fsutil import atomic_write, exclusive_lock, sha256_file


def test_atomic_write_replaces_the_file_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "manifest.json"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    assert len(sha256_file(target)) == 64


def test_exclusive_lock_serialises_threads(tmp_path):
    inside, overlaps = [], []

    def worker():
        with exclusive_lock(tmp_path / ".lock"):
            if inside:
                overlaps.append(True)
            inside.append(True)
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []
