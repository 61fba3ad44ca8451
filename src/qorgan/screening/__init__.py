"""Screening: the SOP's assessment and action plan for one person.

``engine.py`` and ``rules.py`` are pure (no Django): request in, result out. The command
line, the API and the frontline form are thin doors onto them. Imports ``knowledge`` and
``directory`` (their pure readers) and, for stored screenings, ``accounts``.
"""
