"""Imports every domain's models so that the metadata (migrations, tests) knows all tables.

This is part of the composition root: the only place besides ``tracker.core`` that knows every domain.
"""

from __future__ import annotations

from ocop import models as ocop_models
from tracker.accounts import models as accounts_models
from tracker.areas import models as areas_models
from tracker.audit import models as audit_models
from tracker.db.base import metadata
from tracker.imports import models as imports_models
from tracker.onboarding import models as onboarding_models
from tracker.reports import models as reports_models
from vendors import models as vendors_models
from vendors.posters import models as posters_models

__all__ = [
    "accounts_models",
    "areas_models",
    "audit_models",
    "imports_models",
    "metadata",
    "ocop_models",
    "onboarding_models",
    "posters_models",
    "reports_models",
    "vendors_models",
]
