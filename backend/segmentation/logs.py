"""One log line per event on stdout, tagged with the request or job id."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

context_id: ContextVar[str] = ContextVar("context_id", default="-")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.context_id = context_id.get()
        return True


def configure(level: str) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_segmentation", False) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler._segmentation = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(context_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    logging.getLogger("procrastinate.blueprints").setLevel(logging.WARNING)
