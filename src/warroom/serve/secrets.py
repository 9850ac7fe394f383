"""The server's secrets: the hooks' bearer token, the pages' view token, PagerDuty's signing
secret. Each comes from the environment or from a file named in config.toml (readable by its
owner only); each is compared in constant time and never shown (not in a repr, a log line,
an error or a page)."""

from __future__ import annotations

import hashlib
import hmac
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warroom.domain.errors import BadInput

HOOK_TOKEN_ENV = "WARROOM_TOKEN"
VIEW_TOKEN_ENV = "WARROOM_VIEW_TOKEN"
PAGERDUTY_SECRET_ENV = "WARROOM_PAGERDUTY_SECRET"
MIN_TOKEN_LENGTH = 16  # shorter is guessable; `openssl rand -hex 32` makes a good one
_COOKIE_PURPOSE = b"warroom view cookie"


@dataclass(frozen=True)
class Secrets:
    hook_token: str | None = field(default=None, repr=False)
    view_token: str | None = field(default=None, repr=False)
    pagerduty_secret: str | None = field(default=None, repr=False)


def load_secrets(environ: Mapping[str, str], setting: Callable[[str], Any]) -> Secrets:
    """Each secret from its variable, else from the file its setting names, else none."""
    return Secrets(
        hook_token=_secret(
            environ, HOOK_TOKEN_ENV, setting, "serve.token_file", "the hook token", strong=True
        ),
        view_token=_secret(
            environ,
            VIEW_TOKEN_ENV,
            setting,
            "serve.view_token_file",
            "the view token",
            strong=True,
        ),
        pagerduty_secret=_secret(
            environ,
            PAGERDUTY_SECRET_ENV,
            setting,
            "serve.pagerduty_secret_file",
            "PagerDuty's signing secret",
            strong=False,
        ),
    )


def _secret(
    environ: Mapping[str, str],
    variable: str,
    setting: Callable[[str], Any],
    key: str,
    what: str,
    *,
    strong: bool,
) -> str | None:
    value = environ.get(variable, "").strip()
    if not value:
        path = str(setting(key) or "")
        if not path:
            return None
        value = read_secret_file(Path(path).expanduser(), f"{what} ({key})")
        source = key
    else:
        source = variable
    if any(ord(char) < 0x21 or ord(char) > 0x7E for char in value):
        raise BadInput(f"{what} ({source}) must be printable ASCII without spaces")
    if strong and len(value) < MIN_TOKEN_LENGTH:
        raise BadInput(
            f"{what} ({source}) is shorter than {MIN_TOKEN_LENGTH} characters: "
            "make one with `openssl rand -hex 32`"
        )
    return value


def read_secret_file(path: Path, what: str) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{what}: {path} is not a regular file")
        if info.st_mode & 0o077:
            raise BadInput(f"{what}: {path} can be read by others: chmod 600 {path}")
        value = path.read_text("utf-8").strip()
    except FileNotFoundError:
        raise BadInput(f"{what}: no file {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise BadInput(f"{what}: cannot read {path} ({why})") from None
    if not value:
        raise BadInput(f"{what}: {path} is empty")
    return value


def same(given: str, expected: str) -> bool:
    """Constant-time comparison (its time does not tell how much of a guess was right)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def bearer_matches(authorization: str | None, expected: str | None) -> bool:
    given = bearer(authorization)
    return expected is not None and given is not None and same(given, expected)


def pagerduty_signed(body: bytes, header: str | None, secret: str) -> bool:
    """PagerDuty's `X-PagerDuty-Signature`: one or more `v1=<hex HMAC-SHA256 of the raw body>`,
    comma-separated (several while a secret is rotated); any one matching will do."""
    if not header:
        return False
    expected = "v1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    matched = False
    for signature in header.split(","):
        matched |= same(signature.strip(), expected)  # no early exit: every one is compared
    return matched


def view_cookie(view_token: str) -> str:
    """What the browser keeps once the link's token was checked: derived from the token, so
    the cookie jar never holds the token itself."""
    return hmac.new(view_token.encode("utf-8"), _COOKIE_PURPOSE, hashlib.sha256).hexdigest()
