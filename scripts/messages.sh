#!/usr/bin/env bash
# Refresh English catalogues: `scripts/messages.sh` for the project's own (core, indicators,
# assistance, templates/), `scripts/messages.sh funeral` for an app that keeps its own APP/locale.
# Then fill the empty msgstr lines and run it again with --compile (`... --compile` or `APP --compile`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
APP=${1:-}
COMPILE=${2:-}
[[ $APP == --compile ]] && { COMPILE=--compile; APP=; }
if [[ -n $APP ]]; then
  cd "$APP"
  # Inside the app folder, the folder must not be on sys.path (its selectors.py would shadow the
  # standard library and its indicators.py the indicators app). Celery's Django fixup puts the
  # current folder back when the settings load, so it is taken out again after that.
  DEBUG=1 PYTHONPATH=$ROOT DJANGO_SETTINGS_MODULE=config.settings $PY -c '
import os, sys
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
from django.conf import settings
settings.INSTALLED_APPS
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
from django.core.management import execute_from_command_line
execute_from_command_line(["django-admin", "makemessages", "-l", "en", "--no-obsolete"])'
  po=$APP/locale/en/LC_MESSAGES/django.po
else
  # Apps with their own locale/ are skipped here (their strings live in their own catalogue).
  ignores=(--ignore=.venv --ignore=var --ignore=tests --ignore=static --ignore=bench)
  for d in */locale; do ignores+=(--ignore="${d%/locale}"); done
  DEBUG=1 $PY manage.py makemessages -l en --no-obsolete "${ignores[@]}"
  po=locale/en/LC_MESSAGES/django.po
fi
cd "$ROOT"
# msgmerge marks guessed translations "#, fuzzy" (copied from a similar string, often wrong):
# they stay marked, and the i18n test fails, until someone has checked them.
grep -c '^#, fuzzy' "$po" | xargs echo "fuzzy entries to check:"
if [[ $COMPILE == --compile ]]; then
  msgfmt -c -o "${po%.po}.mo" "$po"
fi
grep -c '^msgstr ""$' "$po" | xargs echo "empty msgstr lines (incl. header and multi-line):"
