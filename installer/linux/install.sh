#!/bin/sh
# تثبيت المنظومة أو تحديثها للمستخدم الحالي (دون صلاحيات المدير). البيانات لا تُمسّ أبداً.
# Install or update FundClient for the current user (no root needed). Data is never touched:
# it lives in ~/.local/share/fundclient (or $FUNDCLIENT_DATA_DIR), never in the program folder.
#
#   ./install.sh [--prefix=DIR] [--no-timer] [--no-selftest]
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${FUNDCLIENT_PREFIX:-$HOME/.local/opt/fundclient}"
BIN_DIR="$HOME/.local/bin"
APPS_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
WITH_TIMER=1
RUN_SELFTEST=1

for arg in "$@"; do
    case "$arg" in
        --prefix=*) PREFIX="${arg#--prefix=}" ;;
        --no-timer) WITH_TIMER=0 ;;
        --no-selftest) RUN_SELFTEST=0 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

say() { printf '%s\n%s\n' "$1" "$2"; }

if [ "$(id -u)" = 0 ]; then
    say "تنبيه: التثبيت يكون لمستخدم المكتب، لا لحساب المدير (root)." \
        "Note: install as the office user, not as root (the app and its nightly sync run per user)."
fi

render() {  # render TEMPLATE DEST: fill in the program folder
    sed "s|@PREFIX@|$PREFIX|g" "$1" > "$2.tmp" && mv "$2.tmp" "$2"
}

# 1. Program files: copy beside, then swap, so a failed copy leaves the old version working.
mkdir -p "$(dirname "$PREFIX")"
rm -rf "$PREFIX.new" "$PREFIX.old"
cp -a "$HERE/app" "$PREFIX.new"
cp "$HERE/uninstall.sh" "$PREFIX.new/uninstall.sh"
if [ -d "$PREFIX" ]; then
    mv "$PREFIX" "$PREFIX.old"
fi
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"

# 2. The `fundclient` command.
mkdir -p "$BIN_DIR"
ln -sfn "$PREFIX/fundclient" "$BIN_DIR/fundclient"

# 3. Applications menu entry (Arabic name first for Arabic desktops).
mkdir -p "$APPS_DIR"
render "$HERE/share/fundclient.desktop" "$APPS_DIR/fundclient.desktop"
chmod 644 "$APPS_DIR/fundclient.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS_DIR" || true

# 4. Nightly sync: a systemd user timer (its time set at build, caught up after start-up if the PC was off).
if [ "$WITH_TIMER" = 1 ]; then
    mkdir -p "$UNIT_DIR"
    render "$HERE/share/fundclient-sync.service" "$UNIT_DIR/fundclient-sync.service"
    render "$HERE/share/fundclient-sync.timer" "$UNIT_DIR/fundclient-sync.timer"
    if command -v systemctl >/dev/null 2>&1 && systemctl --user daemon-reload >/dev/null 2>&1 \
        && systemctl --user enable --now fundclient-sync.timer >/dev/null 2>&1; then
        say "تم تفعيل المزامنة الليلية." "Nightly sync enabled (systemctl --user list-timers)."
    else
        say "لم يُفعَّل مؤقت المزامنة الليلية (لا توجد جلسة systemd للمستخدم). فعّله لاحقاً بالأمر:" \
            "The nightly sync timer is installed but not enabled (no systemd user session). Enable it with:"
        echo "    systemctl --user enable --now fundclient-sync.timer"
    fi
fi

# 5. System libraries Qt needs for windows on X11 (not part of the bundle).
QXCB="$PREFIX/_internal/PySide6/Qt/plugins/platforms/libqxcb.so"
if [ -f "$QXCB" ] && command -v ldd >/dev/null 2>&1; then
    missing=$(LD_LIBRARY_PATH="$PREFIX/_internal/PySide6/Qt/lib:$PREFIX/_internal" ldd "$QXCB" 2>/dev/null \
              | awk '/not found/ {print $1}' | tr '\n' ' ')
    if [ -n "$missing" ]; then
        say "مكتبات نظام ناقصة لعرض النوافذ: $missing" "System libraries missing for windows: $missing"
        echo "    sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxkbcommon-x11-0"
    fi
fi

say "تم التثبيت في: $PREFIX" "Installed in: $PREFIX"

# 6. Self-test of the installed program (offscreen: it checks files and libraries, not the screen).
if [ "$RUN_SELFTEST" = 1 ]; then
    if QT_QPA_PLATFORM=offscreen "$PREFIX/fundclient" selftest; then
        say "الفحص الذاتي ناجح." "Self-test passed."
    else
        say "فشل الفحص الذاتي: راجع السطور أعلاه." "Self-test failed: see the lines above."
        exit 1
    fi
fi
