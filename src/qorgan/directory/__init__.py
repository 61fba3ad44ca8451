"""The directory: subject kinds and their duties, regions, organisations and hotlines.

Owns ``data/`` (subject kinds with the duty matrix, regions, help organisations). Imports
``core`` and ``knowledge`` (hotlines are catalogue entries).
"""
