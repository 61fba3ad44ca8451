"""Three-way merge of reference data: upstream changes applied, local edits kept, conflicts
reported."""

from __future__ import annotations

from qorgan.core.reference_merge import MergeReport, Outcome, merge_record, merge_value


def test_each_case_of_the_three_way_merge() -> None:
    assert merge_value("a", "a", "a") == ("a", Outcome.UNCHANGED)
    assert merge_value("a", "b", "a") == ("b", Outcome.UPSTREAM)
    assert merge_value("a", "a", "L") == ("L", Outcome.LOCAL)
    assert merge_value("a", "L", "L") == ("L", Outcome.SAME)
    assert merge_value("a", "b", "L") == ("L", Outcome.CONFLICT)
    assert merge_value(None, "b", "a") == ("b", Outcome.UPSTREAM)  # nothing shipped before


def test_a_record_merge_reports_what_happened() -> None:
    report = MergeReport()
    merged = merge_record(
        "organisation ORG05",
        {"phones": ["+77172000000"], "email": "old@example.kz", "name": "Centre"},
        {"phones": ["+77172111111"], "email": "new@example.kz", "name": "Centre"},
        {"phones": ["+77015550000"], "email": "old@example.kz", "name": "Centre"},
        report,
    )
    assert merged == {"phones": ["+77015550000"], "email": "new@example.kz", "name": "Centre"}
    assert report.applied == [("organisation ORG05", "email")]
    assert [(c.record, c.field, c.local) for c in report.conflicts] == [
        ("organisation ORG05", "phones", ["+77015550000"])
    ]
