"""Runtime settings, read from ACCORD_* environment variables (or a .env file).

Nothing here is built at import time: call `get_settings()` (cached) or construct
`Settings(...)` directly in tests.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only key material. Anything outside development/test refuses to start with these.
DEV_MASTER_KEY = base64.b64encode(b"accord-dev-master-key-change-me!").decode()
DEV_INDEX_KEY = "accord-dev-index-key-change-me"
DEV_SESSION_SECRET = "accord-dev-session-secret-change-me"  # noqa: S105 (dev only, refused elsewhere)

_INSECURE = {DEV_MASTER_KEY, DEV_INDEX_KEY, DEV_SESSION_SECRET, "changethis", ""}


def _insecure(secret: SecretStr) -> bool:
    """A development default, an empty value or .env.example's placeholder left unchanged."""
    value = secret.get_secret_value()
    return value in _INSECURE or value.startswith("change-me")


Environment = Literal["development", "test", "staging", "production"]


class InsecureSettingsError(RuntimeError):
    """Raised when a non-development environment is started with default or missing secrets."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCORD_", env_file=".env", extra="ignore")

    environment: Environment = "development"
    database_url: str = "sqlite:///accord.db"
    analytics_path: Path = Path("accord.duckdb")
    # Writers of the analytical store (ingest, sweep) wait this long for one another, then
    # give up as busy (the feeds API answers 503 with Retry-After).
    analytics_lock_wait_seconds: float = Field(default=5.0, ge=0)
    # A snapshot that would remove more than this share of a dataset's records is refused
    # unless the delivery says the removal is intended (--confirm-removal).
    feeds_snapshot_max_removal: float = Field(default=0.2, ge=0, le=1)
    # Largest delivery file the feeds API accepts, in bytes (413 above it).
    feeds_max_upload_bytes: int = Field(default=512 * 1024 * 1024, gt=0)
    registers_dir: Path = Path("registers")

    # Master key wrapping every data subject's data key (base64 of 32 bytes), given directly
    # or as a path to a file holding it. A KMS-backed keyring can replace this later.
    master_key: SecretStr | None = SecretStr(DEV_MASTER_KEY)
    master_key_file: Path | None = None
    # Earlier (or next) master keys, comma-separated files: they unwrap data keys but never
    # wrap new ones, so a rotation runs without downtime (docs/operations-keys.md).
    master_key_previous_files: str = ""
    # The keystore holding wrapped data keys: a database of its own, backed up apart from the
    # case database with short retention, so destroying a key also defeats older backups.
    keystore_url: str = "sqlite:///accord-keys.db"
    # The erasure log: every destroyed key, replayed after a restore (accord.keys.erasures).
    # Unset, a SQLite file beside a SQLite keystore's file.
    erasure_log_url: str | None = None
    # HMAC key for blind indexes (equality lookups without plaintext in the database).
    index_key: SecretStr = SecretStr(DEV_INDEX_KEY)
    # Signs session cookies and CSRF tokens.
    session_secret: SecretStr = SecretStr(DEV_SESSION_SECRET)

    # OpenID Connect single sign-on; disabled when issuer is unset.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    # "provider-group=register:role,other-group=register:role"
    oidc_group_roles: str = ""
    # Organisation given to people who first sign in through the provider.
    oidc_default_organisation: str | None = None

    # The register whose public forms (self-referral, contact us) this site serves; unset,
    # those pages answer that they are not offered here.
    public_register: str | None = None

    # Sign-in sessions and throttling.
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    sign_in_max_failures: int = 5
    sign_in_lockout_minutes: int = 15

    # The HTTP edge. A request body larger than this is refused with 413 before it is read
    # into memory; partner deliveries (/api/feeds/) are allowed feeds_max_upload_bytes.
    max_request_bytes: int = Field(default=1024 * 1024, gt=0)
    # Sliding-window rate limits (requests per window; 0 turns a limit off). Each server
    # process keeps its own counts, so N workers allow up to N times these.
    public_form_limit: int = Field(default=10, ge=0)  # posts to public forms per client address
    public_form_window_seconds: int = Field(default=600, gt=0)
    token_limit: int = Field(default=1200, ge=0)  # API requests per bearer token
    token_window_seconds: int = Field(default=60, gt=0)
    # Strict-Transport-Security max-age on every response (0 leaves the header off).
    hsts_seconds: int = Field(default=365 * 24 * 3600, ge=0)

    @property
    def is_development(self) -> bool:
        return self.environment in ("development", "test")

    def master_key_bytes(self) -> bytes:
        if self.master_key_file is not None:
            raw = self.master_key_file.read_text().strip()
        elif self.master_key is not None:
            raw = self.master_key.get_secret_value()
        else:
            raise InsecureSettingsError("set ACCORD_MASTER_KEY or ACCORD_MASTER_KEY_FILE")
        key = base64.b64decode(raw)
        if len(key) != 32:
            raise InsecureSettingsError("ACCORD_MASTER_KEY must be base64 of exactly 32 bytes")
        return key

    def previous_master_key_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.master_key_previous_files.split(",") if p.strip()]

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.is_development:
            return self
        problems = []
        if self.master_key_file is None and (self.master_key is None or _insecure(self.master_key)):
            problems.append("ACCORD_MASTER_KEY (or ACCORD_MASTER_KEY_FILE)")
        if _insecure(self.index_key):
            problems.append("ACCORD_INDEX_KEY")
        if _insecure(self.session_secret):
            problems.append("ACCORD_SESSION_SECRET")
        if problems:
            raise InsecureSettingsError(
                f"environment {self.environment!r} needs its own secrets: set "
                + ", ".join(problems)
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_problem(error: Exception) -> str:
    """One paragraph, for a person starting accord, on why its settings cannot be used."""
    if isinstance(error, ValidationError):
        what = "; ".join(
            f"ACCORD_{str(problem['loc'][0]).upper()}: {problem['msg']}"
            if problem["loc"]
            else problem["msg"]
            for problem in error.errors()
        )
    else:
        what = str(error)
    return (
        f"accord cannot start with these settings: {what}. Settings come from ACCORD_* "
        "environment variables or a .env file in the working folder (.env.example lists them "
        "and how to make each secret: `accord keys generate --out FILE` writes a master key). "
        "Outside development every secret must be your own."
    )
