"""The audit log: one row per write, sign-in, training and activation (never customer data)."""

from __future__ import annotations

import logging

from flask import g, has_request_context, request

from ..core.extensions import db
from ..core.logs import context_id
from .models import AuditEvent

log = logging.getLogger("segmentation.auth.audit")


def actor() -> str:
    principal = g.get("principal") if has_request_context() else None
    return principal.label if principal else ("cli" if not has_request_context() else "anonymous")


def record(action: str, target: str | None = None, commit: bool = False, **details) -> None:
    """Add an audit event to the current transaction (committed with the change it records)."""
    event = AuditEvent(
        actor=actor(),
        action=action,
        target=target,
        details=details,
        request_id=context_id.get(),
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    if commit:
        db.session.commit()
    log.info("%s %s %s", event.actor, action, target or "")
