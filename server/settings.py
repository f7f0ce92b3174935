"""One typed settings object, read from ``JIXIAO_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "jixiao-development-secret-change-me"
# JIXIAO_ENV values. Anything else is refused: a typo such as "prod" must not quietly run
# with development defaults (GraphiQL, introspection, the demo) in front of real users.
ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """The environment describes a configuration the server must not run with."""


def _unknown_env(value: str) -> str:
    return f"JIXIAO_ENV must be one of {', '.join(ENVIRONMENTS)}; got {value!r}."


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
    # Sign-in names the throttle remembers at once (server/services/throttle.py).
    login_throttle_names: int = 10_000
    policy_watch_seconds: float = 2.0
    demo: bool = False
    # Apply pending schema migrations at start-up; when false, a database that is behind
    # the code is refused and `jixiao migrate` must be run first (server/migrator.py).
    auto_migrate: bool = True
    log_level: str = "INFO"
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    # Objects one request may ask for, counted before it runs (schema/cost.py).
    max_query_cost: int = 10_000
    # Request size caps, checked before any parsing: the whole HTTP body (or websocket
    # message, or GET query string) and the GraphQL document in it.
    max_body_bytes: int = 1_000_000
    max_query_bytes: int = 100_000
    plugins: tuple[str, ...] | None = None  # None = every installed plugin
    sync_tick_seconds: float = 30.0
    # May connectors reach loopback, private and link-local addresses? None: yes in
    # development and tests, no in production (server/sync/guard.py).
    connector_allow_private_networks: bool | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def allow_private_networks(self) -> bool:
        if self.connector_allow_private_networks is not None:
            return self.connector_allow_private_networks
        return not self.production

    @property
    def graphiql_enabled(self) -> bool:
        return not self.production

    def refuse_demo(self) -> None:
        """The demo's people sign in with a published password: never in production."""
        if self.production:
            raise SettingsError(
                "the demo companies are not loaded with JIXIAO_ENV=production: their users "
                "sign in with a published password. Use a development database for the demo."
            )

    def validate(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise SettingsError(_unknown_env(self.env))
        if self.demo:
            self.refuse_demo()
        if self.production and self.secret_key == DEFAULT_SECRET:
            raise SettingsError(
                "JIXIAO_SECRET_KEY is the development default; set a secret of your own "
                "(at least 32 random characters) before running with JIXIAO_ENV=production."
            )
        if self.production and len(self.secret_key) < 32:
            raise SettingsError("JIXIAO_SECRET_KEY must be at least 32 characters in production.")
        if self.max_query_cost < 1:
            raise SettingsError("JIXIAO_MAX_QUERY_COST must be at least 1.")
        if self.max_body_bytes < 1 or self.max_query_bytes < 1:
            raise SettingsError("JIXIAO_MAX_BODY_BYTES and JIXIAO_MAX_QUERY_BYTES must be > 0.")

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

        env_raw = get("ENV", defaults.env)
        env_name = env_raw.strip().lower()
        if env_name not in ENVIRONMENTS:
            raise SettingsError(_unknown_env(env_raw))
        return cls(
            database_url=get("DATABASE_URL", defaults.database_url),
            secret_key=get("SECRET_KEY", defaults.secret_key),
            env=env_name,
            policy_dir=Path(get("POLICY_DIR", defaults.policy_dir)),
            access_token_minutes=integer("ACCESS_TOKEN_MINUTES", defaults.access_token_minutes),
            refresh_token_days=integer("REFRESH_TOKEN_DAYS", defaults.refresh_token_days),
            login_max_failures=integer("LOGIN_MAX_FAILURES", defaults.login_max_failures),
            login_lockout_seconds=integer("LOGIN_LOCKOUT_SECONDS", defaults.login_lockout_seconds),
            login_throttle_names=integer("LOGIN_THROTTLE_NAMES", defaults.login_throttle_names),
            policy_watch_seconds=float(get("POLICY_WATCH_SECONDS", defaults.policy_watch_seconds)),
            demo=_bool(get("DEMO", defaults.demo)),
            auto_migrate=_bool(get("AUTO_MIGRATE", defaults.auto_migrate)),
            log_level=get("LOG_LEVEL", defaults.log_level).upper(),
            max_query_cost=integer("MAX_QUERY_COST", defaults.max_query_cost),
            plugins=_names(env.get("JIXIAO_PLUGINS")),
            sync_tick_seconds=float(get("SYNC_TICK_SECONDS", defaults.sync_tick_seconds)),
            connector_allow_private_networks=(
                None
                if env.get("JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS") is None
                else _bool(env["JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS"])
            ),
            max_body_bytes=integer("MAX_BODY_BYTES", defaults.max_body_bytes),
            max_query_bytes=integer("MAX_QUERY_BYTES", defaults.max_query_bytes),
        )
