"""Agreements, escalation rules and the year-by-year ledger."""
