"""fundclient: offline-first registration client for a health-insurance fund's offices."""

__version__ = "0.1.0"
