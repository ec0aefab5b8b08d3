"""The officer dashboard (``/dashboard``)."""

from tracker.web.dashboard.pages import DashboardPages

__all__ = ["DashboardPages"]
