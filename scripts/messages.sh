#!/usr/bin/env bash
# Refresh the project's one English catalogue, locale/en (core, every app, templates/):
# `scripts/messages.sh`, then fill the empty msgstr lines and run `scripts/messages.sh --compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
COMPILE=${1:-}
po=locale/en/LC_MESSAGES/django.po
# makemessages writes a folder's strings to the nearest locale/ above it: an app's own locale/
# would take its strings out of the one catalogue.
shopt -s nullglob
stray=(*/locale)
if ((${#stray[@]})); then
  echo "merge these into locale/ and delete them (one catalogue): ${stray[*]}" >&2
  exit 1
fi
DEBUG=1 $PY manage.py makemessages -l en --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=static --ignore=bench
# msgmerge marks guessed translations "#, fuzzy" (copied from a similar string, often wrong):
# they stay marked, and the i18n test fails, until someone has checked them.
echo "fuzzy entries to check: $(grep -c '^#, fuzzy' "$po" || true)"
if [[ $COMPILE == --compile ]]; then
  msgfmt -c -o "${po%.po}.mo" "$po"
fi
echo "empty msgstr lines (incl. header and multi-line): $(grep -c '^msgstr ""$' "$po" || true)"
