"""Compiled UI catalogues (fundclient_ar.qm, fundclient_en.qm) land here: built from
translations/*.ts by `scripts/translations.py build` (gitignored; shipped as package data)."""
