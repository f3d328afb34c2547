"""The Qt widgets (the only layer that has them)."""

from fundclient.ui import pyside_sources

pyside_sources.install()  # before the window's modules: PySide6 would keep their sources (see there)
