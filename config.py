"""Settings. The only module that reads the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-change-me"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'app.db'}"
    )
    # No pre-ping (a SELECT 1 round trip per request): a connection the server has closed is
    # seen without one and replaced at checkout (app/database.py); connections older than
    # DB_POOL_RECYCLE seconds are replaced, before an idle timeout on the way drops them.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False,
                                       "pool_recycle": _env_int("DB_POOL_RECYCLE", 1800)}
    SQLALCHEMY_RECORD_QUERIES = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ["zh_CN", "en"]
    DISPLAY_TIMEZONE = "Asia/Shanghai"

    # Security headers on every response (flask-talisman; README "Escaping and headers"). No
    # inline script, handler or style="" anywhere: the one script and the CSS are static files.
    CONTENT_SECURITY_POLICY = {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "object-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'self'",
        "form-action": "'self'",
    }
    # Redirect plain-HTTP requests to HTTPS (and send HSTS on HTTPS ones). Off for `make run`
    # and the tests; on in production, where TLS ends at the app or at a proxy that sends
    # X-Forwarded-Proto (see TRUSTED_PROXIES).
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Reverse proxies in front of the app (nginx: 1); their X-Forwarded-For/-Proto are trusted,
    # so throttling sees the client's address and cookies know the request was HTTPS.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins (the page and the API count together): per address and username, and per
    # address whatever the username (rotating usernames from one address is limited too).
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")
    LOGIN_ADDRESS_FAILURE_LIMIT = os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20 per 5 minutes")
    SIGNUP_LIMIT = os.environ.get("SIGNUP_LIMIT", "20 per hour")  # per client address, page and API
    # Request bodies: larger ones are refused (413) before anything reads them; JSON nested
    # deeper than MAX_JSON_DEPTH is refused (400) before anything walks it.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    MAX_JSON_DEPTH = _env_int("MAX_JSON_DEPTH", 64)
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default

    API_TITLE = "社区在职党员双报到服务平台 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearerAuth": []}],
    }
    API_TOKEN_TTL_HOURS = _env_int("API_TOKEN_TTL_HOURS", 24 * 7)
    # Page sessions (server-side, app/auth/sessions.py): signed out after this long without a
    # request, and this long after signing in whatever happens.
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 60)
    SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)
    # Answers of hot reads kept per process while the database is unchanged (PostgreSQL only,
    # app/auth/read_cache.py): how many; 0 turns it off.
    READ_CACHE_ENTRIES = _env_int("READ_CACHE_ENTRIES", 2048)
    READ_CACHE_MB = _env_int("READ_CACHE_MB", 32)  # their bodies, per process
    # The demo's accounts share one known password: outside production it stays usable; in
    # production each demo account must change it at first sign-in.
    DEMO_MUST_CHANGE_PASSWORD = False

    # Reminders (issue 7); thresholds are settings.
    REMINDER_IDLE_APPROVED_DAYS = _env_int("REMINDER_IDLE_APPROVED_DAYS", 30)
    REMINDER_IDLE_NO_SERVICE_DAYS = _env_int("REMINDER_IDLE_NO_SERVICE_DAYS", 60)
    REMINDER_ESCALATE_AFTER = _env_int("REMINDER_ESCALATE_AFTER", 3)
    REMINDER_RUN_AT = os.environ.get("REMINDER_RUN_AT", "07:30")
    QUIET_HOURS = os.environ.get("QUIET_HOURS", "21:00-08:00")
    SCHEDULER_EMBEDDED = os.environ.get("SCHEDULER_EMBEDDED", "0") == "1"
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_SENDER = os.environ.get("SMTP_SENDER", "noreply@example.org")
    SMS_SENDER = os.environ.get("SMS_SENDER", "logging")  # "logging" or "package.module:Class"
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") == "1"
    SMTP_TIMEOUT = _env_int("SMTP_TIMEOUT", 10)
    REMINDER_IDLE_EVERY_DAYS = _env_int("REMINDER_IDLE_EVERY_DAYS", 7)
    # "MM-DD:share" checkpoints: by that day a member should have ticked that share of his list.
    REMINDER_CHECKLIST_CHECKPOINTS = os.environ.get(
        "REMINDER_CHECKLIST_CHECKPOINTS", "04-01:0.25,07-01:0.5,10-01:0.75,12-01:1")
    REMINDER_CATCHUP_DAYS = _env_int("REMINDER_CATCHUP_DAYS", 31)
    NOTIFY_CHANNELS = os.environ.get("NOTIFY_CHANNELS", "email,sms")
    DELIVERY_INTERVAL_SECONDS = _env_int("DELIVERY_INTERVAL_SECONDS", 60)
    DELIVERY_BATCH = _env_int("DELIVERY_BATCH", 200)
    DELIVERY_MAX_ATTEMPTS = _env_int("DELIVERY_MAX_ATTEMPTS", 12)
    DELIVERY_BACKOFF_SECONDS = _env_int("DELIVERY_BACKOFF_SECONDS", 60)
    DELIVERY_BACKOFF_MAX_SECONDS = _env_int("DELIVERY_BACKOFF_MAX_SECONDS", 6 * 3600)

    # Operations (README "Operations"): JSON log lines by default; /metrics answers requests
    # from METRICS_ALLOW (addresses or networks, comma-separated) or bearing METRICS_TOKEN.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # "json" or "text"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "127.0.0.1,::1")
    # Bulk imports (issue 13).
    IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 100000)
    HONOUR_PUBLICITY_DAYS = _env_int("HONOUR_PUBLICITY_DAYS", 5)  # 公示期 of an approved honour
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)  # larger uploads: 413
    IMPORT_CHUNK_ROWS = _env_int("IMPORT_CHUNK_ROWS", 1000)
    IMPORT_MAX_ERRORS_SHOWN = _env_int("IMPORT_MAX_ERRORS_SHOWN", 1000)
    # Photo evidence (issue 16): per file and per request (larger: 413), the pixel budget of a
    # picture (decompression bombs: 422), the stored size and the thumbnail's. Storage:
    # "database" (the stored_blob table) or "s3" (an S3-compatible bucket, the S3_* settings).
    PHOTO_MAX_BYTES = _env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
    PHOTO_REQUEST_MAX_BYTES = _env_int("PHOTO_REQUEST_MAX_BYTES", 25 * 1024 * 1024)
    PHOTO_MAX_PIXELS = _env_int("PHOTO_MAX_PIXELS", 60_000_000)
    PHOTO_MAX_SIDE = _env_int("PHOTO_MAX_SIDE", 2048)
    PHOTO_THUMBNAIL_SIDE = _env_int("PHOTO_THUMBNAIL_SIDE", 320)
    PHOTO_STORAGE = os.environ.get("PHOTO_STORAGE", "database")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    # Server-side PDFs: a unit's letters are laid out this many at a time (memory per worker).
    PDF_PART_PAGES = _env_int("PDF_PART_PAGES", 50)
    # Sign-in by phone: one-time SMS codes.
    SMS_CODE_TTL_SECONDS = _env_int("SMS_CODE_TTL_SECONDS", 300)
    SMS_CODE_MAX_TRIES = _env_int("SMS_CODE_MAX_TRIES", 5)
    SMS_CODE_INTERVAL_SECONDS = _env_int("SMS_CODE_INTERVAL_SECONDS", 60)  # per phone
    SMS_CODE_PER_HOUR_PHONE = _env_int("SMS_CODE_PER_HOUR_PHONE", 5)
    SMS_CODE_PER_HOUR_ADDRESS = _env_int("SMS_CODE_PER_HOUR_ADDRESS", 10)
    SMS_CODE_SHOWN = os.environ.get("APP_CONFIG", "development") != "production"

    ORDER_DEADLINE_HOURS = {"urgent": 2, "high": 24, "normal": 72, "low": 336}
    ORDER_REOPEN_DAYS = 7
    # An address's map link: {address} is replaced by the URL-quoted address (issue 14).
    MAP_URL_TEMPLATE = os.environ.get("MAP_URL_TEMPLATE", "https://uri.amap.com/search?keyword={address}")
    # Members hear of at most this many new pool needs a day (urgent ones at once, the others
    # in the daily digest).
    POOL_NOTICES_PER_DAY = _env_int("POOL_NOTICES_PER_DAY", 3)


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    LOGIN_FAILURE_LIMIT = "5 per 5 minutes"
    LOGIN_ADDRESS_FAILURE_LIMIT = "20 per 5 minutes"
    SIGNUP_LIMIT = "20 per hour"
    SERVER_NAME = None
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast; the tests hash many passwords


class ProductionConfig(Config):
    SMS_CODE_SHOWN = False  # the code is never on the page nor in the log in production
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"
    DEMO_MUST_CHANGE_PASSWORD = True
    # Behind nginx every request comes from 127.0.0.1 unless TRUSTED_PROXIES is set: in
    # production /metrics needs METRICS_TOKEN, or addresses listed on purpose.
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "")

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 16:
            raise RuntimeError("Set SECRET_KEY to a long random value before running in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("APP_CONFIG", "development")]
