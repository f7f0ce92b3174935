"""One typed settings object, read from ``JIXIAO_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "jixiao-development-secret-change-me"


class SettingsError(ValueError):
    """The environment describes a configuration the server must not run with."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: str | None) -> tuple[str, ...] | None:
    if value is None or not value.strip():
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite://{PROJECT_ROOT / 'var' / 'jixiao.sqlite3'}"
    secret_key: str = DEFAULT_SECRET
    env: str = "development"
    policy_dir: Path = PROJECT_ROOT / "policies"
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    login_max_failures: int = 5
    login_lockout_seconds: int = 300
    policy_watch_seconds: float = 2.0
    demo: bool = False
    log_level: str = "INFO"
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    plugins: tuple[str, ...] | None = None  # None = every installed plugin
    sync_tick_seconds: float = 30.0

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return not self.production

    def validate(self) -> None:
        if self.production and self.secret_key == DEFAULT_SECRET:
            raise SettingsError(
                "JIXIAO_SECRET_KEY is the development default; set a secret of your own "
                "(at least 32 random characters) before running with JIXIAO_ENV=production."
            )
        if self.production and len(self.secret_key) < 32:
            raise SettingsError("JIXIAO_SECRET_KEY must be at least 32 characters in production.")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()

        def get(name: str, default: object) -> str:
            return env.get(f"JIXIAO_{name}", str(default))

        def integer(name: str, default: int) -> int:
            raw = get(name, default)
            try:
                return int(raw)
            except ValueError as exc:
                raise SettingsError(f"JIXIAO_{name} must be an integer, got {raw!r}") from exc

        return cls(
            database_url=get("DATABASE_URL", defaults.database_url),
            secret_key=get("SECRET_KEY", defaults.secret_key),
            env=get("ENV", defaults.env).strip().lower(),
            policy_dir=Path(get("POLICY_DIR", defaults.policy_dir)),
            access_token_minutes=integer("ACCESS_TOKEN_MINUTES", defaults.access_token_minutes),
            refresh_token_days=integer("REFRESH_TOKEN_DAYS", defaults.refresh_token_days),
            login_max_failures=integer("LOGIN_MAX_FAILURES", defaults.login_max_failures),
            login_lockout_seconds=integer("LOGIN_LOCKOUT_SECONDS", defaults.login_lockout_seconds),
            policy_watch_seconds=float(get("POLICY_WATCH_SECONDS", defaults.policy_watch_seconds)),
            demo=_bool(get("DEMO", defaults.demo)),
            log_level=get("LOG_LEVEL", defaults.log_level).upper(),
            plugins=_names(env.get("JIXIAO_PLUGINS")),
            sync_tick_seconds=float(get("SYNC_TICK_SECONDS", defaults.sync_tick_seconds)),
        )
