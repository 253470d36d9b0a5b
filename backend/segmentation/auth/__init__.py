"""Who is calling, and may they: sessions for staff, API keys for systems, three roles.

- ``principal.py``: the caller and the roles' order
- ``policy.py``: ``@requires(role)``, the ``authorize`` hook (deny by default), CORS
- ``keys.py``: minting and revoking API keys, the in-memory key cache
- ``sessions.py``: the signed session cookie, XSRF, the secret key file, sign-in/out
- ``users.py``, ``audit.py``, ``ratelimit.py``: users, the audit log, rate limits
"""

from __future__ import annotations

from flask import Flask

from . import keys, policy, sessions
from .keys import create_api_key, get_api_key, list_api_keys, new_key, revoke_api_key
from .policy import authorize, requires
from .principal import PUBLIC, RANK, Principal

__all__ = [
    "PUBLIC",
    "RANK",
    "Principal",
    "authorize",
    "create_api_key",
    "get_api_key",
    "list_api_keys",
    "new_key",
    "requires",
    "revoke_api_key",
]


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    keys.init_app(app)
    policy.init_app(app)
    from .cli import register

    register(app)
