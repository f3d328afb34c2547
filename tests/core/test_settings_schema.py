"""#16 item 8: a hand-edited settings.json is checked on load against the one schema
(config.RULES + each field's type): a clear message naming the key and the file, never a
traceback — from the CLI (exit 2) and, in tests/ui/test_settings_on_load.py, the GUI."""

from __future__ import annotations

import json

import pytest

from fundclient.cli import main
from fundclient.config import Settings, SettingsError


@pytest.mark.parametrize("content, key, said", [
    ({"idle_lock_minutes": "ten"}, "idle_lock_minutes", "whole number from 0 to 240"),
    ({"idle_lock_minutes": 9999}, "idle_lock_minutes", "whole number from 0 to 240"),
    ({"arabic_indic_digits": "yes"}, "arabic_indic_digits", "true or false"),
    ({"language": "de"}, "language", "one of: ar, en, fr"),  # the languages with a catalogue
    ({"seal_on": "never"}, "seal_on", "one of: save, approval"),
    ({"timezone": "Mars/Base"}, "timezone", "not a known time zone"),
    ({"provisional_device_number": 5}, "provisional_device_number", "900 to 999"),
    ({"receipt_format": "letter"}, "receipt_format", "A4, A5, 80mm"),
    ({"office_code": 12}, "office_code", "text in quotes"),
    ({"card_margins_mm": True}, "card_margins_mm", "a number from"),
    ({"extra": []}, "extra", "JSON object"),
    ({"langauge": "en"}, "langauge", "did you mean 'language'"),
])
def test_a_bad_value_names_the_key_and_the_file(data_dir, content, key, said):
    path = data_dir / "settings.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        Settings.load(data_dir)
    message = caught.value.message
    assert f"'{key}'" in message.en and str(path) in message.en and said in message.en
    assert f"«{key}»" in message.ar and str(path) in message.ar


@pytest.mark.parametrize("text, said", [
    ('{"language": "ar",, }', "is not valid JSON (line 1, column 19)"),
    ("[1, 2]", "must be a JSON object"),
    ("\xff\xfe", "is not valid JSON"),
])
def test_a_file_that_is_not_a_settings_object_is_named(data_dir, text, said):
    (data_dir / "settings.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(SettingsError) as caught:
        Settings.load(data_dir)
    assert said in caught.value.message.en and "settings.json" in caught.value.message.en


def test_what_the_app_writes_is_what_it_reads_and_other_versions_keys_are_left(data_dir):
    Settings(language="en", office_code="BRK", provisional_device_number=901, card_margins_mm=1,
             extra={"logo_path": "x.png"}).save(data_dir)
    raw = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    raw["a_setting_of_a_newer_version"] = 1  # resembles no setting: kept out, not an error
    (data_dir / "settings.json").write_text(json.dumps(raw), encoding="utf-8")
    settings = Settings.load(data_dir)
    assert settings.language == "en" and settings.office_code == "BRK" and settings.card_margins_mm == 1


def test_the_cli_says_which_key_and_exits_2_never_a_traceback(data_dir, capsys):
    (data_dir / "settings.json").write_text('{"backup_keep": -1}', encoding="utf-8")
    for argv in (["status"], ["sync"], ["camera", "check", "--frames", "1"], ["import-acks", str(data_dir)]):
        assert main(["--data-dir", str(data_dir), *argv]) == 2, argv
        out, err = capsys.readouterr()
        assert "'backup_keep'" in err and "«backup_keep»" in err, argv  # no language readable: both
        assert "Traceback" not in out + err


@pytest.mark.parametrize("window", ["22:00-05:00", "10pm-5am", 7])
def test_an_old_settings_file_with_the_retired_nightly_window_still_loads(data_dir, window):
    """#16 item 6: the app no longer keeps a nightly window (the OS task is the one schedule):
    a settings.json written before still loads, the key is ignored and gone at the next save."""
    path = data_dir / "settings.json"
    path.write_text(json.dumps({"language": "en", "nightly_sync_window": window}), encoding="utf-8")
    settings = Settings.load(data_dir)
    assert settings.language == "en" and not hasattr(settings, "nightly_sync_window")
    settings.save(data_dir)
    assert "nightly_sync_window" not in json.loads(path.read_text(encoding="utf-8"))
