"""Kazakh formats: 29.11.2026, 14:05, 1 234,5 (decimal comma, non-breaking space for thousands).

The long date is the one of Kazakh official documents: "2026 жылғы 29 қараша"."""

DATE_FORMAT = r"Y \ж\ы\л\ғ\ы j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"Y \ж\ы\л\ғ\ы j E, H:i"
YEAR_MONTH_FORMAT = r"Y \ж\ы\л\ғ\ы F"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday (дүйсенбі)
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '29.11.2026'
    "%d.%m.%y",  # '29.11.26'
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # '14:05'
    "%H:%M:%S",  # '14:05:59'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",  # '29.11.2026 14:05'
    "%d.%m.%Y %H:%M:%S",  # '29.11.2026 14:05:59'
    "%d.%m.%Y",  # '29.11.2026'
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
