"""App-wide look: big enough to read all day, calm colours, clear focus.

The default button is marked by colour (and the style's default frame), not by bold type:
a label that turns bold when its button becomes the default is wider than the size the
button was given, and was cut off («كمال هذا التسجيل» for «إكمال هذا التسجيل»).

The navigation's side margin is the list's, not its items': Qt wraps an item's text to the
item's width, so side padding on the item cut long names off («Clôture de la …»)."""

APP_STYLE = """
QPushButton { padding: 6px 16px; min-height: 30px; }
QPushButton:default { color: #0b3d91; }
QLineEdit, QComboBox, QDateEdit, QSpinBox { min-height: 30px; padding: 2px 6px; }
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus { border: 2px solid #1d4f91; }
QListWidget#navigation { background: #f3f6fa; border: none; padding: 0 8px; }
QListWidget#navigation::item { padding: 10px 0; }
QListWidget#navigation::item:selected { background: #1d4f91; color: white; }
QFrame#loginCard { background: #f7f9fc; border: 1px solid #c9d3e0; border-radius: 8px; padding: 16px; }
QHeaderView::section { padding: 4px; font-weight: bold; }
QStatusBar QLabel { padding: 0 6px; }
"""
