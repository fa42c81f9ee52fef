// Restoring a plain `mysqldump | gzip` backup (archive/plain.h): the runbook's old backups.
//
// A plain file is one SQL script with no index, so it is restored as `zcat FILE | mariadb` would
// restore it, with myvault's safety rules around it:
// 1. options that need an index (--databases, --tables, --rename, --resume, --users) are refused
//    with one line; --threads is ignored (one connection runs the script, in order);
// 2. verify, before any connection: FILE.sha256 (when present) matches and the whole gzip stream
//    inflates cleanly (every member's CRC-32); the same pass reads the databases the script
//    creates, uses and drops from its CREATE DATABASE / USE / DROP DATABASE lines;
// 3. prepare: one connection set up as for an archive's load (lock_wait_timeout, sql_log_bin=0
//    unless --enable-binlog, the killer that ends a statement on Ctrl-C), the restore lock of
//    each of those databases (no other restore of them runs at once), the binary-log and
//    replica check, and what exists of them now; then the confirmation (or --yes);
// 4. load: the file is inflated again block by block (zlib), cut into statements by
//    sql::StatementStream as the mysql client cuts them, and each statement runs on that one
//    connection. The first failing statement stops the restore with one line: its number, its
//    byte offset in the SQL (`zcat FILE | tail -c +N` shows it, N = offset + 1), the server's
//    error. The progress journal marks the databases as being loaded meanwhile, so a backup
//    leaves a half-loaded one out; a successful load removes the mark. Memory stays bounded by
//    the longest statement (at most the server's max_allowed_packet) plus a few MiB.
//
// Thread safety: RunPlainRestore may run concurrently on different inputs and targets.
#pragma once

#include "myvault/common/cancel.h"
#include "myvault/restore/restorer.h"
#include "myvault/status.h"

namespace myvault::restore {

// Whether `input` is a plain gzip backup (false for "-", a myvault archive, or an unreadable
// file: the archive path then reports what is wrong with it).
bool IsPlainBackup(const std::string& input);

// Restores the plain backup options.input (see above). The Status says, on error, whether the
// target was changed.
Status RunPlainRestore(const RestoreOptions& options, ErrorCollector* errors,
                       RestoreReport* report);

}  // namespace myvault::restore
