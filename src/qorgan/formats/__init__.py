"""Date, time and number formats per language (settings.FORMAT_MODULE_PATH).

Django ships none for Kazakh; its English formats are American (mm/dd/yyyy, 12-hour). Qorgan
works in Kazakhstan: short dates are dd.mm.yyyy and times 24-hour in every language. Russian,
Uzbek, Kyrgyz and Tajik use Django's own modules, which already do so.
"""
