"""Every action the audit trail records, as one enumeration (issue 13 §5).

The values are the strings stored in ``AuditEvent.action`` and hashed into the chain, so they
never change; the labels are what the audit log shows, in the user's language.
``audit.record`` refuses an action not listed here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Record read")
    READ_LIST = "read_list", _("List read")
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    LINK = "link", _("Linked")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    IMPORT_CHECK = "import_check", _("Import checked (dry run)")
    TRANSITION = "transition", _("Case status changed")
    PROTECTION_SET = "protection_set", _("Protection status set")
    CONSENT_RECORD = "consent_record", _("Consent recorded")
    CONSENT_WITHDRAW = "consent_withdraw", _("Consent withdrawn")
    POLICE_DISCLOSURE = "police_disclosure", _("Disclosed to the police")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
    SERVICE_RECORD = "service_record", _("Service recorded")
    RIGHTS_RECORD = "rights_record", _("Rights explained recorded")
    ROUTE_RECORD = "route_record", _("Route recorded")
    NOTIFICATION_RECORD = "notification_record", _("Notification recorded")
    OBJECTIVE_ADD = "objective_add", _("Support-plan goal added")
    OBJECTIVE_STATUS = "objective_status", _("Support-plan goal resolved")
    ATTACHMENT_ADD = "attachment_add", _("Document added")
    ATTACHMENT_READ = "attachment_read", _("Document opened")
    NOTE_ADD = "note_add", _("Case note added")
    NOTE_READ = "note_read", _("Case notes read")
    FOLLOWUP_ADD = "followup_add", _("Follow-up added")
    FOLLOWUP_CLOSE = "followup_close", _("Follow-up closed")
    ASSIGNMENT_ADD = "assignment_add", _("Case worker assigned")
    ASSIGNMENT_END = "assignment_end", _("Case worker assignment ended")
    HANDOVER_REQUEST = "handover_request", _("Handover requested")
    HANDOVER_ACCEPT = "handover_accept", _("Handover accepted")
    HANDOVER_DECLINE = "handover_decline", _("Handover declined")
    APPROVAL_REQUEST = "approval_request", _("Approval requested")
    APPROVAL_APPROVE = "approval_approve", _("Approved")
    APPROVAL_SEND_BACK = "approval_send_back", _("Sent back for changes")
    DUPLICATE_CHECK = "duplicate_check", _("Duplicate check")
    DUPLICATE_CHECK_REFUSED = "duplicate_check_refused", _("Duplicate check refused (limit)")
    DUPLICATE_COORDINATION_ASKED = (
        "duplicate_coordination_asked",
        _("Coordination on a possible duplicate asked"),
    )
    DUPLICATE_COORDINATION_AGREED = (
        "duplicate_coordination_agreed",
        _("Coordination on a possible duplicate agreed"),
    )
    DUPLICATE_COORDINATION_DECLINED = (
        "duplicate_coordination_declined",
        _("Coordination on a possible duplicate declined"),
    )
    DUPLICATE_CONFIRMED = "duplicate_confirmed", _("Duplicate confirmed")
    DUPLICATE_REJECTED = "duplicate_rejected", _("Not a duplicate")
    MATCH_VIEW = "match_view", _("Possible match viewed")
    ANONYMISE = "anonymise", _("Anonymised")
    SUBJECT_ACCESS_EXPORT = "subject_access_export", _("Person's own data exported")
    KEY_ROTATION = "key_rotation", _("Encryption keys rotated")
    REINDEX = "reindex", _("Search index rebuilt")
    PLAN_STEP = "plan_step", _("Screening plan step")
    REPORT_RECEIVED = "report_received", _("Report received")
    REPORT_ADDITION = "report_addition", _("Addition to a report received")
    REPORT_ASSIGN = "report_assign", _("Report assigned")
    REPORT_DUPLICATE = "report_duplicate", _("Report marked as a duplicate")
    REPORT_REQUEST_INFO = "report_request_info", _("More information asked of the reporter")
    REPORT_CLOSE = "report_close", _("Report closed")
    REPORT_OPEN_CASE = "report_open_case", _("Case opened from a report")
    REPORT_OPEN_INCIDENT = "report_open_incident", _("Incident opened from a report")
    HOTLINE_SETUP = "hotline_setup", _("Hotline set up")
    HOTLINE_TAKE = "hotline_take", _("Hotline contact taken")
    HOTLINE_FOLLOW_UP_DONE = "hotline_follow_up_done", _("Hotline follow-up done")
    HOTLINE_OPEN_CASE = "hotline_open_case", _("Case opened from a hotline contact")
    HOTLINE_REFER = "hotline_refer", _("Referral from a hotline contact")
    HOTLINE_REPORT_POLICE = "hotline_report_police", _("Hotline contact reported to the police")
    HOTLINE_LINK = "hotline_link", _("Hotline contact linked")
    CASES_EXPORT = "cases_export", _("Case register export")
    CASES_EXPORT_DOWNLOAD = "cases_export_download", _("Case register export downloaded")
    REPORT_EXPORT = "report_export", _("Statistics report export")
    REPORT_EXPORT_DOWNLOAD = "report_export_download", _("Statistics report downloaded")
    OPEN_DATA_RELEASE = "open_data_release", _("Open data release")
    OPEN_DATA_RELEASE_DOWNLOAD = "open_data_release_download", _("Open data release downloaded")
    HTCDS_EXPORT = "htcds_export", _("HTCDS export")
    HTCDS_EXPORT_DOWNLOAD = "htcds_export_download", _("HTCDS export downloaded")
    INDICATORS_IMPORT = "indicators_import", _("Indicators imported")
    INDICATORS_IMPORT_CHECK = "indicators_import_check", _("Indicators import checked (dry run)")
    CATALOGUE_LOAD = "catalogue_load", _("Catalogue loaded")
    DIRECTORY_EDIT = "directory_edit", _("Directory edited")
    DIRECTORY_LOAD_UPDATE = "directory_load_update", _("Directory loaded over a local edit")
    REFERENCE_DATA_LOAD = "reference_data_load", _("Reference data loaded")
    AUDIT_SEARCH = "audit_search", _("Audit log searched")
    AUDIT_EXPORT = "audit_export", _("Audit log exported")
    FIRST_ADMINISTRATOR_CREATED = "first_administrator_created", _("First administrator created")
    USER_CREATED = "user_created", _("User created")
    USER_CHANGED = "user_changed", _("User changed")
    USER_DELETED = "user_deleted", _("User deleted")
    USER_ACTIVATED = "user_activated", _("User activated")
    USER_ACCESS_REVOKED = "user_access_revoked", _("User's access revoked")
    USER_CHANGE_REQUESTED = "user_change_requested", _("User change requested")
    USER_CHANGE_APPROVED = "user_change_approved", _("User change approved")
    USER_CHANGE_REFUSED = "user_change_refused", _("User change refused")
    USER_CHANGE_WITHDRAWN = "user_change_withdrawn", _("User change withdrawn")
    USER_PASSWORD_SET_BY_ADMIN = "user_password_set_by_admin", _("Password set by an administrator")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")


def action_label(value: str) -> str:
    """The translated label of a stored action; an old value no longer listed shows as is."""
    try:
        return str(AuditAction(value).label)
    except ValueError:
        return value
