"""Compiled message catalogues (ar.mo, fr.mo …) land here: built from translations/*.po by
`python scripts/translations.py build` and by the installer; gitignored. fundclient.catalogue
reads them (or the .po itself, compiled in memory, in a source checkout)."""
