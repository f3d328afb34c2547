"""`fundclient camera list` and `fundclient camera check`: field diagnostics without the GUI.

`check` reads a few frames from the office's camera (Settings.camera, or --camera), runs the
live checks on each and prints what a clerk would see; `--save` writes the ID photo of the
first frame that passes. Exit 0 when a frame passed, 1 when none did.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fundclient.cli.output import done, language_of, partly
from fundclient.cli.parser import N_
from fundclient.config import Settings
from fundclient.errors import CameraError, ExitCode, Message

EXIT_OK, EXIT_NO_GOOD_FRAME = ExitCode.OK, ExitCode.PARTLY
NO_CAMERAS = Message("No camera is connected")
FRAME_LINE = Message("frame {n}: {result}")
GOOD = Message("good")
CAMERAS_FOUND = Message("{count} camera(s) connected.")
FRAMES_PASSED = Message("{passed} of {frames} frame(s) passed the photo checks.")
SAVED = Message("Photo saved to {path} ({size} bytes)")


def register(sub) -> None:
    p = sub.add_parser("camera", help=N_("list cameras or test one with the live photo checks"))
    camera_sub = p.add_subparsers(dest="camera_command", metavar="ACTION", required=True)
    q = camera_sub.add_parser("list", help=N_("the webcams this machine shows"))
    q.set_defaults(handler=cmd_list)
    q = camera_sub.add_parser("check", help=N_("run the photo checks on a few frames"))
    q.add_argument("--camera", help=N_('webcam index ("0"), video, folder or image (default: the office setting)'))
    q.add_argument("--frames", type=int, default=10, help=N_("how many frames to check (default 10)"))
    q.add_argument("--save", type=Path, help=N_("write the ID photo of the first passing frame here (JPEG)"))
    q.set_defaults(handler=cmd_check)


def _language(args) -> str:
    """Frame lines are one language (the rule of cli.output; Arabic when none is set yet)."""
    return language_of(args) or "ar"


def cmd_list(args) -> int:
    from fundclient.camera.sources import list_cameras  # lazy: start-up (OpenCV, NumPy)

    cameras = list_cameras()
    for camera in cameras:
        print(f"{camera.spec}\t{camera.name}")
    return done(CAMERAS_FOUND.format(count=len(cameras)) if cameras else NO_CAMERAS)


def cmd_check(args) -> int:
    from fundclient.camera.analysis import FaceAnalyser  # lazy: start-up (OpenCV, NumPy)
    from fundclient.camera.photo import make_portrait  # lazy: start-up (OpenCV, NumPy)
    from fundclient.camera.sources import open_source  # lazy: start-up (OpenCV, NumPy)

    language = _language(args)
    spec = args.camera if args.camera is not None else Settings.load(args.data_dir).camera
    source = open_source(spec)
    source.open()  # a CameraError here is printed bilingually by fundclient.cli
    analyser = FaceAnalyser(track=True)
    passed = 0
    try:
        print(f"{source.description} {source.resolution[0]}x{source.resolution[1]}")
        for n in range(1, args.frames + 1):
            try:
                frame = source.read()
            except CameraError as exc:
                print(FRAME_LINE.format(n=n, result=exc.message.in_language(language)).in_language(language))
                continue
            verdict = analyser.analyse(frame)
            result = GOOD if verdict.ok else verdict.hints[0]
            print(FRAME_LINE.format(n=n, result=result.in_language(language)).in_language(language))
            if verdict.ok:
                passed += 1
                if args.save and passed == 1:
                    photo = make_portrait(frame, verdict)
                    args.save.write_bytes(photo.data)
                    print(SAVED.format(path=args.save, size=len(photo.data)).in_language(language))
            if source.frame_interval:
                time.sleep(source.frame_interval)
    finally:
        source.close()
        sys.stdout.flush()
    summary = FRAMES_PASSED.format(passed=passed, frames=args.frames)
    return done(summary) if passed else partly(summary)
