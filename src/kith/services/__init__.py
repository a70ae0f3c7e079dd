"""Services: Kith's use cases.  Each public function owns one transaction.

The CLI and the web app call these and only these; they never touch SQL.
"""
