"""Uptake reports for the economic office: figures by area and market, targets, exports and charts.

The service layer (``ReportService``, ``charts``, ``exports``) knows no HTTP: the API, the command
line and server-rendered pages call it with the signed-in actor.
"""
