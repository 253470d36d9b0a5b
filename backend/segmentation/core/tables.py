"""Every feature's tables, imported so that ``db.metadata`` (and Alembic) knows them all."""

from __future__ import annotations

from ..auth import models as auth_models  # noqa: F401
from ..customers import models as customers_models  # noqa: F401
from ..imports import models as imports_models  # noqa: F401
from ..segmentations import models as segmentations_models  # noqa: F401
from ..segments import models as segments_models  # noqa: F401
from ..training import models as training_models  # noqa: F401
