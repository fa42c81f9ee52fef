#!/usr/bin/env bash
# The seed's runbook command, kept so its documentation still works: restore one backup.
#
#   restore-database.sh FILE|latest [myvault restore options...]
#
# `latest` is $BACKUP_DIR/${BACKUP_PREFIX:-myvault}-latest.sql.gz; a relative FILE is looked up in
# $BACKUP_DIR (default /backups); an absolute FILE or `-` (stdin) is used as is. myvault verifies
# the archive, then asks for confirmation on a terminal; without one it needs --yes.
set -euo pipefail

usage() { echo "usage: $(basename "$0") FILE|latest [myvault restore options...]" >&2; }

dir=${BACKUP_DIR:-/backups}
case "${1-}" in
  -h | --help) usage; exit 0 ;;
  '' | -?*) usage; exit 2 ;;
  latest) file=$dir/${BACKUP_PREFIX:-myvault}-latest.sql.gz ;;
  /* | -) file=$1 ;;
  *) file=$dir/$1 ;;
esac
shift
exec myvault restore "$file" "$@"
