"""Files shipped inside the package (fonts, ...): package data, found next to this module.

Kept inside the package so a source checkout, a wheel and a PyInstaller bundle all find
them the same way (`fundclient.fonts` resolves the paths).
"""
