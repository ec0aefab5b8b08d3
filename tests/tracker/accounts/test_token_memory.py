"""A token's signature is checked once per process; its expiry and its secret still hold on every use."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tracker.accounts.security import issue_token, read_token
from tracker.lib.exceptions import NotAuthenticated

SECRET = "token-memory-" + "s" * 40


def test_a_token_checked_once_still_expires() -> None:
    token, _ = issue_token(SECRET, 7, 3, dt.timedelta(seconds=1))
    claims = read_token(SECRET, token)
    assert (claims.user_id, claims.token_version) == (7, 3)
    assert read_token(SECRET, token) == claims  # the second use is answered from memory
    time.sleep(1.05)  # ``exp`` is whole seconds, at most one second away
    with pytest.raises(NotAuthenticated):
        read_token(SECRET, token)


def test_a_token_checked_once_is_not_taken_under_another_secret() -> None:
    token, _ = issue_token(SECRET, 8, 1, dt.timedelta(hours=1))
    assert read_token(SECRET, token).user_id == 8
    with pytest.raises(NotAuthenticated):
        read_token("another-secret-" + "y" * 40, token)
    head, _, signature = token.rpartition(".")
    other = "B" if signature[10] == "A" else "A"  # a character in the middle: all six of its bits count
    with pytest.raises(NotAuthenticated):
        read_token(SECRET, f"{head}.{signature[:10]}{other}{signature[11:]}")
