"""API settings, read from `POLICYQA_*` environment variables; bad values stop start-up.

| variable                    | default  | meaning                                                  |
|-----------------------------|----------|----------------------------------------------------------|
| POLICYQA_DATA_DIR           | .data/   | index and added plans                                    |
| POLICYQA_ADMIN_TOKEN        | (unset)  | bearer token for uploads; unset = uploads disabled (403) |
| POLICYQA_MAX_UPLOAD_BYTES   | 10 MiB   | largest accepted plan file                               |
| POLICYQA_MAX_QUERY_CHARS    | 500      | longest query / chat message                             |
| POLICYQA_MAX_HISTORY_TURNS  | 20       | most earlier user turns in search history or chat        |
| POLICYQA_MAX_BODY_BYTES     | 256 KiB  | largest JSON request body                                |
| POLICYQA_CORS_ORIGINS       | (empty)  | comma-separated allowed origins; empty = CORS closed     |
| POLICYQA_MOUNT_UI           | true     | mount the chat page at /ui when `ui.app` is importable   |
| POLICYQA_MAX_PLAN_PARAGRAPHS | 5000    | most paragraphs (chunks) one uploaded plan may become    |
| POLICYQA_MAX_DOCX_UNPACKED_BYTES | 32 MiB | most bytes the parts of an uploaded .docx may unpack to |
| POLICYQA_REQUEST_TIMEOUT_S  | 15       | a request's headers and body must arrive within this     |
| POLICYQA_KEEP_ALIVE_S       | 5        | an idle keep-alive connection is closed after this       |
| POLICYQA_MAX_CONNECTIONS    | 256      | open connections; more are refused with 503 at once      |
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.ingest import MAX_PARAGRAPHS
from corpus.readers import MAX_DOCX_UNPACKED_BYTES

MIB = 1024 * 1024
MIN_TOKEN_CHARS = 16  # a shorter shared secret is guessable; refuse it rather than run weakly


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore", frozen=True)

    data_dir: Path | None = None
    admin_token: SecretStr | None = None
    max_upload_bytes: int = Field(10 * MIB, ge=1, le=1024 * MIB)
    max_query_chars: int = Field(500, ge=1, le=10_000)
    max_history_turns: int = Field(20, ge=0, le=200)
    max_body_bytes: int = Field(256 * 1024, ge=1024, le=64 * MIB)
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    mount_ui: bool = True
    max_plan_paragraphs: int = Field(MAX_PARAGRAPHS, ge=1, le=100_000,
                                     description="Most paragraphs (chunks) one uploaded plan may become.")
    max_docx_unpacked_bytes: int = Field(MAX_DOCX_UNPACKED_BYTES, ge=MIB, le=1024 * MIB,
                                         description="Most bytes the parts of an uploaded .docx may unpack to.")
    request_timeout_s: float = Field(15.0, gt=0, le=300,
                                     description="A request's headers and body must have arrived within this.")
    keep_alive_s: float = Field(5.0, gt=0, le=300, description="Idle keep-alive connections are closed after this.")
    max_connections: int = Field(256, ge=8, le=65_536,
                                 description="Open connections at most; one more is answered 503 and closed.")

    @field_validator("admin_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or (isinstance(raw, str) and raw == ""):
            return None  # an empty variable means "not set": ingestion stays disabled
        if not isinstance(raw, str):
            raise ValueError("admin_token must be a string")
        if len(raw) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in raw) or not raw.isascii():
            raise ValueError(f"admin_token must be at least {MIN_TOKEN_CHARS} ASCII characters without spaces")
        return raw

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        origins = tuple(value or ())
        for origin in origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"cors origin {origin!r} must start with http:// or https:// (or be *)")
        return origins

    @property
    def ingestion_enabled(self) -> bool:
        return self.admin_token is not None
