"""Camera capture and ID-photo checks, without Qt.

- `sources`: `open_source(spec)` (webcam index, video, folder, image), `list_cameras()`,
  `remember_camera()`.
- `worker`: `CaptureWorker` (frames from a source in a thread, reopen with backoff),
  `LatestOnlyWorker` (analyse the newest frame in a second thread).
- `analysis`: `FaceAnalyser.analyse(frame) -> Verdict` (the live checks).
- `autocapture`: `SteadyGate` (fire when checks pass on steady frames).
- `photo`: `make_portrait(frame, verdict, override_reason) -> Photo` (crop, colour, JPEG ≤ 30 KB).
- `document`: `make_document(frame) -> Photo(kind="document")`.
- `thresholds`: every tuning number, documented in docs/camera.md.
"""
