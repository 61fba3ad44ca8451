"""The public portal: what the public, migrants and potential victims need, and the anonymous report.

Pages read the catalogue and directory (never duplicate their texts). Anonymous reports keep
no IP address, user agent or other identifying metadata. Imports ``knowledge``,
``directory``, ``cases`` (opening a case from a report) and ``core``.
"""
