"""Moved to ``qorgan.directory.countries`` (issue 13 §6); kept only because
``monitoring/reports.py`` (another change in progress) still imports it from here."""

from qorgan.directory.countries import alpha2_codes, country_name, country_names

__all__ = ["alpha2_codes", "country_name", "country_names"]
