"""English as used in Kazakhstan: 29.11.2026, 14:05 (not Django's American mm/dd/yyyy and
12-hour clock), "29 November 2026"; numbers as in English (1,234.5)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
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
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
