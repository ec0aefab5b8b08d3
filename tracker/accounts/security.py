"""Password hashing (Argon2id, memory-hard) and signed bearer tokens (JWT, HS256)."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker.lib.exceptions import NotAuthenticated

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
TOKEN_ALGORITHM = "HS256"  # noqa: S105 (an algorithm name, not a secret)
TOKEN_AUDIENCE = "cho-so"  # noqa: S105 (a claim value, not a secret)
# Verifying against this when a username is unknown keeps both paths equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    token_version: int
    expires_at: dt.datetime


def issue_token(secret: str, user_id: int, token_version: int, ttl: dt.timedelta) -> tuple[str, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    expires = now + ttl
    payload = {
        "sub": str(user_id),
        "tv": token_version,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "aud": TOKEN_AUDIENCE,
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(payload, secret, algorithm=TOKEN_ALGORITHM), expires


def read_token(secret: str, token: str) -> TokenClaims:
    """The claims of a token signed with ``secret`` and not expired; otherwise ``NotAuthenticated``."""
    claims = _verified(secret, token)
    if claims.expires_at <= dt.datetime.now(dt.UTC):
        raise NotAuthenticated()
    return claims


@functools.lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> TokenClaims:
    """A token's signature checked once: a client sends the same token with every request, and checking
    it again costs more than the rest of a request answered from memory. Only valid tokens are kept (an
    exception is not cached); expiry is checked on every use, by ``read_token``."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[TOKEN_ALGORITHM],
            audience=TOKEN_AUDIENCE,
            options={"require": ["sub", "exp", "tv"]},
        )
        return TokenClaims(
            user_id=int(payload["sub"]),
            token_version=int(payload["tv"]),
            expires_at=dt.datetime.fromtimestamp(payload["exp"], dt.UTC),
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        raise NotAuthenticated() from None
