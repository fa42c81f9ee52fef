#!/usr/bin/env bash
# The seed's runbook command, kept so its documentation still works: one backup cycle now.
#
#   backup-database.sh [manual|auto] [myvault backup options...]
#
# The kind defaults to manual (manual backups are never pruned). Everything else comes from the
# environment (BACKUP_DIR, DB_*, retention, Slack) or from the options passed through.
set -euo pipefail

usage() { echo "usage: $(basename "$0") [manual|auto] [myvault backup options...]" >&2; }

kind=manual
case "${1-}" in
  manual | auto) kind=$1; shift ;;
  -h | --help) usage; exit 0 ;;
  '' | -*) ;;
  *) usage; exit 2 ;;
esac
exec myvault backup --kind "$kind" "$@"
