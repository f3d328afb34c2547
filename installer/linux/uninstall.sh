#!/bin/sh
# إزالة المنظومة للمستخدم الحالي. البيانات تبقى (قاعدة البيانات المشفّرة والنسخ الاحتياطية).
# Remove FundClient for the current user. Data stays (encrypted DB, backups, outbox): delete
# ~/.local/share/fundclient yourself only after a backup has been checked on the new PC.
#
#   ~/.local/opt/fundclient/uninstall.sh
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${FUNDCLIENT_PREFIX:-$HERE}"
APPS_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"

if command -v systemctl >/dev/null 2>&1; then
    systemctl --user disable --now fundclient-sync.timer >/dev/null 2>&1 || true
fi
rm -f "$UNIT_DIR/fundclient-sync.timer" "$UNIT_DIR/fundclient-sync.service"
command -v systemctl >/dev/null 2>&1 && systemctl --user daemon-reload >/dev/null 2>&1 || true
rm -f "$APPS_DIR/fundclient.desktop"
if [ "$(readlink "$HOME/.local/bin/fundclient" 2>/dev/null)" = "$PREFIX/fundclient" ]; then
    rm -f "$HOME/.local/bin/fundclient"
fi
if [ -x "$PREFIX/fundclient" ] && [ -d "$PREFIX/_internal" ]; then
    rm -rf "$PREFIX"
fi

printf '%s\n%s\n' "تمت الإزالة. بيانات المكتب باقية في: ${FUNDCLIENT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/fundclient}" \
    "Removed. The office data is kept in: ${FUNDCLIENT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/fundclient}"
