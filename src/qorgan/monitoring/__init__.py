"""Monitoring: the prevention and cooperation registry, statistics with small-cell suppression,
the regional risk index, labour-migration indicators, reports, exports and open data.

Coordinators see aggregates only. Imports ``core``, ``knowledge``, ``directory``, ``cases``,
``portal`` (read-only).
"""
