// mysqldump mode: one plain SQL stream in mysqldump's format, made by the parallel dump engine.
//
// RunMysqldump connects, resolves mysqldump's selection (`db [tables]`, --databases,
// --all-databases with the `mysql` system database, --ignore-table), takes one consistent
// snapshot shared by `threads` worker connections when --single-transaction or a lock option
// asks for consistency (the dump engine's Snapshot: a brief BACKUP STAGE / FTWRL hold; a user
// without the privilege for it gets a single-connection dump in one transaction, as mysqldump
// gives), reads every definition inside it, and writes the script of BuildScript with each
// table's rows streamed by the ordered data pipeline: N connections read ranges of a table at
// once, and the rows still come out table after table, in key order, exactly as one
// connection would write them. Output goes to stdout, or to --result-file through
// FILE.partial (mode 0600), fsync and rename, so a failed dump never leaves a FILE that looks
// complete. A stream that stops early lacks the final "-- Dump completed" line.
// Owns every thread and connection it starts; call from main's thread.
#pragma once

#include <cstdint>

#include "myvault/common/cancel.h"
#include "myvault/mysqldump/options.h"
#include "myvault/status.h"

namespace myvault::mysqldump {

struct MysqldumpReport {
  uint64_t tables = 0, rows = 0, bytes = 0;
  int threads = 0;  // worker connections used
  double seconds = 0;
};

// The worker connections used when --threads is not given.
inline constexpr int kDefaultThreads = 4;

// `notes` receives one line per thing the user should know that is not an error (an option
// ignored, a fallback taken); the caller prints them on stderr.
Status RunMysqldump(const MysqldumpOptions& options, ErrorCollector* errors,
                    MysqldumpReport* report, std::vector<std::string>* notes);

// The exit code mysqldump gives for what `status` says, which scripts test for: 0; 2 for an
// option, connection, access or server error and an unknown database; 5 for a failed write
// (disk full, a closed pipe); 6 for a named table that does not exist (also after --force
// dumped the others); 1 for a bug; 130 after SIGINT/SIGTERM (killed, mysqldump has none).
int MysqldumpExitCode(const Status& status);

}  // namespace myvault::mysqldump
