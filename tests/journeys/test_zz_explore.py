from PySide6.QtWidgets import QApplication
from journey import _describe


def test_explore(demo_app, screen_size):
    if screen_size[0] != 1366:
        return
    j = demo_app
    j.guard.expect(lambda w: type(w).__name__ == "DraftOfferDialog", lambda d: d.reject())
    j.login("demo", "demo-1234")
    j.press("Ctrl+N")
    j.wait_idle()
    j.screenshot("x-start")
    out = []
    for i in range(70):
        f = QApplication.focusWidget()
        out.append(f"{i} {_describe(f)} {type(f).__name__} parent={_describe(f.parentWidget()) if f and f.parentWidget() else ''}")
        j.enter() if False else j.tab()
    open("/tmp/jx/tabs.txt", "w").write("\n".join(out))
