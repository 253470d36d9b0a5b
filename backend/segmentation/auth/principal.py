"""Who is calling: a staff user (session) or a system (API key), with one of three roles."""

from __future__ import annotations

from dataclasses import dataclass

from .models import ROLES

RANK = {role: i for i, role in enumerate(ROLES, 1)}
PUBLIC = "public"


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "key"
    id: int
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"
