"""Notifications: each organisation's in-app inbox, and e-mail without any personal data.

Sent for new referrals, answered referrals, overdue referrals and new anonymous reports.
Delivered through ``core.tasks`` (inline by default, Celery in production).
"""
