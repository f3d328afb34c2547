"""The log never carries the text of an exception (it may hold a name or a national number)."""

from __future__ import annotations

import logging

from fundclient.logs import NoPersonalDataFormatter


def test_exception_text_is_left_out_but_type_and_stack_stay():
    formatter = NoPersonalDataFormatter("%(message)s")
    person = "محمد علي الورفلي 119480123456"  # the stack shows source lines: keep it off the raise line
    try:
        raise OSError(f"cannot open /home/clerk/{person}.jpg")
    except OSError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "photo import failed", None, sys.exc_info())
    text = formatter.format(record)
    assert "photo import failed" in text and "OSError" in text and "test_logs.py" in text
    assert person not in text
