"""Headless orchestration shared by the GUI and the CLI: each operation validates, writes
through storage, seals for sync and audits, and returns a `Changes` saying what changed."""
