"""The camera screen: live preview with checks, capture, review, accept (see widget.py)."""

from fundclient.ui.camera.widget import CameraWidget

__all__ = ["CameraWidget"]
