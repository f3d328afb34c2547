"""`fundclient camera check/list` through argparse, on real image folders."""

from __future__ import annotations

import argparse

import cv2

import camera_scenes as cs
from fundclient.cli import camera as commands
from fundclient.cli.output import finish
from fundclient.config import Settings


def run(argv, data_dir):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang")
    commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    args.data_dir = data_dir
    return finish(args, args.handler(args))  # as fundclient.cli does: prints the summary


def test_check_passes_and_saves_the_photo(tmp_path, data_dir, capsys):
    cv2.imwrite(str(tmp_path / "a.jpg"), cs.scene())
    out = tmp_path / "photo.jpg"
    code = run(["--lang", "en", "camera", "check", "--camera", str(tmp_path), "--frames", "3",
                "--save", str(out)], data_dir)
    text = capsys.readouterr().out
    assert code == 0
    assert "640x480" in text and text.count("good") == 3
    assert 0 < out.stat().st_size <= 30_000


def test_check_uses_the_office_camera_and_says_what_is_wrong_in_arabic(tmp_path, data_dir, capsys):
    folder = tmp_path / "dark"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.jpg"), cs.darkened(cs.scene(), 0.2))
    Settings(camera=str(folder)).save(data_dir)
    code = run(["camera", "check", "--frames", "2"], data_dir)
    assert code == 1
    assert capsys.readouterr().out.count("الإضاءة ضعيفة") == 2


def test_list_prints_without_failing(data_dir, capsys):
    assert run(["--lang", "en", "camera", "list"], data_dir) == 0
    assert capsys.readouterr().out.strip()  # a camera per line, or "No camera is connected"


def test_check_accepts_the_demo_camera_sample(data_dir, capsys):
    from fundclient.selftest import SAMPLE_FACE

    code = run(["--lang", "en", "camera", "check", "--camera", str(SAMPLE_FACE), "--frames", "4"], data_dir)
    text = capsys.readouterr().out
    assert code == 0 and text.count("good") == 4, text
