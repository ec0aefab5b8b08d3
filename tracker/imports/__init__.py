"""Bulk import of spreadsheets (XLSX, CSV): templates, dry runs, commits, per-row results and error files.

The framework knows no domain: each kind of record (vendors, markets, ...) is an ``ImportKind`` in its own
package, listed in ``tracker.core.import_kinds``. See docs/imports.md.
"""

from tracker.imports.columns import Column
from tracker.imports.kinds import (
    ImportContext,
    ImportKind,
    ImportOptions,
    KindRegistry,
    RowPlan,
    SourceRow,
    TemplateContext,
    convert_struct,
)

__all__ = [
    "Column",
    "ImportContext",
    "ImportKind",
    "ImportOptions",
    "KindRegistry",
    "RowPlan",
    "SourceRow",
    "TemplateContext",
    "convert_struct",
]
