"""Auto-capture: fire once when every check has passed on a few steady analysed frames."""

from __future__ import annotations

from fundclient.camera.analysis import Verdict
from fundclient.camera.thresholds import THRESHOLDS, Thresholds


class SteadyGate:
    """Feed it each verdict; `update()` returns True once, on the frame that completes
    `steady_frames` consecutive passing verdicts whose face barely moved. `reset()` (retake)
    arms it again."""

    def __init__(self, thresholds: Thresholds = THRESHOLDS):
        self.t = thresholds
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.fired = False
        self._last: tuple[int, int, int, int] | None = None

    @property
    def progress(self) -> float:
        """0..1, for a filling ring on the preview."""
        return min(1.0, self.count / self.t.steady_frames)

    def update(self, verdict: Verdict) -> bool:
        if self.fired:
            return False
        if not verdict.ok or verdict.face is None:
            self.count, self._last = 0, None
            return False
        if self._last is not None and not self._steady(self._last, verdict.face, verdict.frame_size[0]):
            self.count = 0
        self._last = verdict.face
        self.count += 1
        if self.count >= self.t.steady_frames:
            self.fired = True
        return self.fired

    def _steady(self, before, now, frame_width: int) -> bool:
        bx, by, bw, bh = before
        x, y, w, h = now
        moved = ((x + w / 2 - bx - bw / 2) ** 2 + (y + h / 2 - by - bh / 2) ** 2) ** 0.5 / frame_width
        rescaled = abs(w - bw) / max(bw, 1)
        return moved <= self.t.max_steady_move and rescaled <= self.t.max_steady_scale
