from pathlib import Path

from index.paths import REPO_DIR, default_data_dir, resolve_data_dir


def test_default_data_dir_env_and_fallback(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICYQA_DATA_DIR", raising=False)
    assert default_data_dir() == REPO_DIR / ".data"
    assert (REPO_DIR / "index" / "paths.py").is_file()
    monkeypatch.setenv("POLICYQA_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    assert resolve_data_dir(None) == tmp_path
    assert resolve_data_dir("elsewhere") == Path("elsewhere")
