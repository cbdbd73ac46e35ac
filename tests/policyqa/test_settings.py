"""The one settings table: declared once, read everywhere, documented in the README."""
import pytest
from pydantic import ValidationError

from assistant.api.server import EXIT_USAGE
from assistant.api.server import load_settings as serve_settings

from policyqa.settings import README, Settings, SettingsError, env_name, load_settings, readme_block, settings_table


def test_readme_settings_table_matches_the_declaration():
    """The README block is generated from Settings; regenerate with `python -m policyqa.settings --readme`."""
    assert readme_block(README.read_text(encoding="utf-8")) == settings_table()


def test_every_setting_is_in_the_table_with_a_description():
    table = settings_table()
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"`{env_name(name)}`" in table


def test_layers_read_the_same_settings(monkeypatch, tmp_path):
    from index.embedders import EmbedderError, make_embedder
    from index.paths import default_data_dir
    from index.store import default_index_type

    monkeypatch.setenv("POLICYQA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POLICYQA_FAISS_INDEX", "HNSW")
    monkeypatch.setenv("POLICYQA_EMBEDDER", "word2vec")
    assert default_data_dir() == tmp_path
    assert default_index_type() == "hnsw"
    with pytest.raises(EmbedderError):
        make_embedder()


def test_bad_values_name_the_variable_in_one_line(monkeypatch):
    monkeypatch.setenv("POLICYQA_FAISS_INDEX", "annoy")
    monkeypatch.setenv("POLICYQA_MAX_QUERY_CHARS", "0")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert "POLICYQA_FAISS_INDEX" in message and "POLICYQA_MAX_QUERY_CHARS" in message
    assert "\n" not in message


def test_overrides_win_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_DATA_DIR", "/somewhere/else")
    assert load_settings(data_dir=tmp_path).data_dir == tmp_path
    assert load_settings(data_dir=None).data_dir is not None


ADMIN_TOKEN = "test-admin-token-0123456789"


def test_defaults_are_closed_and_bounded(monkeypatch):
    for name in ("ADMIN_TOKEN", "CORS_ORIGINS", "MAX_UPLOAD_BYTES", "MAX_QUERY_CHARS", "MAX_HISTORY_TURNS"):
        monkeypatch.delenv(f"POLICYQA_{name}", raising=False)
    settings = Settings()
    assert settings.admin_token is None and not settings.ingestion_enabled
    assert settings.cors_origins == ()
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert (settings.max_query_chars, settings.max_history_turns) == (500, 20)


def test_reads_prefixed_environment(monkeypatch):
    monkeypatch.setenv("POLICYQA_MAX_QUERY_CHARS", "120")
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("POLICYQA_CORS_ORIGINS", "http://a.example, https://b.example")
    settings = Settings()
    assert settings.max_query_chars == 120
    assert settings.admin_token.get_secret_value() == ADMIN_TOKEN
    assert ADMIN_TOKEN not in repr(settings)  # SecretStr: never printed by accident
    assert settings.cors_origins == ("http://a.example", "https://b.example")


def test_empty_token_means_ingestion_disabled(monkeypatch):
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", "")
    assert not Settings().ingestion_enabled


@pytest.mark.parametrize("field, value", [
    ("max_upload_bytes", 0),
    ("max_query_chars", -1),
    ("max_history_turns", 100_000),
    ("max_body_bytes", 10),
    ("admin_token", "short"),
    ("admin_token", "has spaces in the middle!!"),
    ("cors_origins", "ftp://x.example"),
])
def test_bad_values_are_refused(field, value):
    with pytest.raises(ValidationError) as err:
        Settings(**{field: value})
    assert field in str(err.value)


def test_serve_exits_with_one_line_reason_on_bad_environment(monkeypatch, capsys):
    secret = "tiny"
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", secret)
    with pytest.raises(SystemExit) as exc:
        serve_settings()
    assert exc.value.code == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: invalid settings: POLICYQA_ADMIN_TOKEN")
    assert "\n" not in err and secret not in err
