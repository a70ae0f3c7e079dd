"""Interchange: text from the outside world ↔ domain values.

Normalisation of what people type or what files hold (names, e-mails, phones,
dates), and the import and export formats.  Problems in one record are returned
as data; they never stop the rest.
"""
