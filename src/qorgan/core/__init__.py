"""Only what every app needs: languages and localized fields, translations tooling.

``core`` imports no other Qorgan app.
"""
