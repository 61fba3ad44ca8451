"""The SOP knowledge catalogue: signs, risk groups, places, actions, rights, hotlines.

Owns the versioned data files in ``data/`` and their copy in the database. Imports only
``core``. The pure reader is ``catalogue.py``; the database loader is ``services.py``.
"""
