"""The hotline desk: every call, chat and message to a hotline becomes a countable contact.

Imports ``core``, ``directory``, ``knowledge``, ``accounts``, ``screening``, ``cases``,
``portal``, ``notifications`` and the pure ``monitoring.suppression``; ``monitoring.reports``
imports this app's selectors for the commission report (docs/hotline.md).
"""
