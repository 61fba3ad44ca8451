"""Qorgan: the information system of Kazakhstan's counter-trafficking system."""

__version__ = "0.1.0"
