"""One log line per event on stdout, tagged with the request or job id.

Messages are escaped: a line break, a control character or a backslash in logged input
(a user name, a path) is written as ``\\n``, ``\\x00``, ``\\\\``..., so input can never
start a line of its own and forge an event.

``LOG_FORMAT=json`` writes one JSON object per line instead (for log shippers): ``time``,
``level``, ``logger``, ``id`` (the request or job id), ``message`` and, for an error,
``exception``. JSON escaping keeps every event on one line; what is logged is the same
in both formats, so customer data stays out of both.
"""

from __future__ import annotations

import json
import logging
import random
import re
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime

context_id: ContextVar[str] = ContextVar("context_id", default="-")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# a random UUID (version 4, RFC 4122 variant) as uuid.uuid4().hex writes it, without the UUID object
_UUID4_BITS = (0x4 << 76) | (0x8 << 60)
_UUID4_MASK = ((1 << 128) - 1) ^ ((0xF << 76) | (0xC << 60))


def request_id(given: str) -> str:
    """The caller's ``X-Request-ID`` when it is a plain token, otherwise a new id."""
    if REQUEST_ID.fullmatch(given):
        return given
    # a correlation id, not a secret: random's generator (reseeded in each forked worker)
    # spares a getrandom system call per request
    return f"{random.getrandbits(128) & _UUID4_MASK | _UUID4_BITS:032x}"


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """``text`` on one line: backslashes, control characters and line separators escaped
    (other characters, accented letters included, are kept as they are)."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(
        ch if ch.isprintable() and ch != "\\" else _ESCAPES.get(ch) or f"\\u{ord(ch):04x}" for ch in text
    )


def code_path(exc: BaseException) -> str:
    """The code locations of a traceback (file:line function), without any message: an
    exception's message can quote customer data (a failed statement quotes its parameters)."""
    frames = traceback.extract_tb(exc.__traceback__)
    # the innermost frame (where it was raised) and the service's own frames above it: library
    # frames alone (SQLAlchemy's) do not say which of our statements failed
    ours = [f for f in frames[:-1] if "/segmentation/" in f.filename][-7:]
    picked = [*ours, frames[-1]] if frames else []
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(picked))


class EscapingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        # another handler may have cached the full traceback text on the record: never reuse it
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei) -> str:
        """A library logging a traceback (the queue worker, gunicorn) writes its type and code
        path only, on one line: never the message, which may quote customer data."""
        _, exc, _ = ei
        return f"{type(exc).__name__} at {code_path(exc)}" if exc is not None else ""


class JsonFormatter(logging.Formatter):
    """One JSON object per record; the message escaped as in the text format."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "id": getattr(record, "context_id", "-"),
            "message": escape(record.getMessage()),
        }
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.context_id = context_id.get()
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(context_id)s] %(message)s"


def formatter(fmt: str = "text") -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else EscapingFormatter(TEXT_FORMAT)


def configure(level: str, fmt: str = "text") -> None:
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_segmentation", False)]
    if ours:
        root.setLevel(level)
        ours[0].setFormatter(formatter(fmt))
        return
    handler = logging.StreamHandler(sys.stdout)
    handler._segmentation = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    logging.getLogger("procrastinate.blueprints").setLevel(logging.WARNING)
    # "Registering task ... periodically" on every app start, CLI commands included
    logging.getLogger("procrastinate.periodic").setLevel(logging.WARNING)
