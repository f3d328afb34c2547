"""Bundled Arabic fonts (Noto Naskh Arabic, Noto Sans Arabic; SIL OFL 1.1, see OFL.txt)."""
