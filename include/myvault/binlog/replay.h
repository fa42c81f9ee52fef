// Replaying archived binlog through the target server: the second half of a point-in-time
// restore (the first is the backup's restore).
//
// The files of a ReplayPlan are inflated into a private temporary directory (mode 0700) and fed
// to the stock tools, `mariadb-binlog --start-position=START --stop-position=STOP FILES |
// mariadb`, so the server applies the events (row events as BINLOG statements) exactly as a
// replica's SQL thread would from those positions. START is the backup's snapshot position (no
// transaction the backup holds is applied again), STOP the first transaction not to apply. The
// client's connection settings and password go in a mode-0600 defaults file in that directory,
// never on a command line. `--database` and `--rewrite-db` of mariadb-binlog carry a restore's
// --databases (one database) and --rename to the replayed events.
//
// Every wait is bounded by `timeout_s`; a cancel (SIGTERM) or the timeout stops both processes
// (their process group: SIGTERM, then SIGKILL 5 s later). The temporary directory is removed
// whatever happens.
//
// Thread safety: RunReplay runs on the calling thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "myvault/binlog/window.h"
#include "myvault/common/cancel.h"
#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::binlog {

struct ReplayOptions {
  mysql::ConnectionOptions connection;
  std::string dir, prefix;
  ReplayPlan plan;
  std::string database;                       // only this database's events ("" for all)
  std::map<std::string, std::string> rename;  // OLD -> NEW for the replayed events
  bool skip_binlog = false;                   // SET sql_log_bin=0 in the replaying session
  double timeout_s = 86400;
  std::string tmp_dir;  // where the temporary directory goes ("" : $TMPDIR or /tmp)
};

struct ReplayReport {
  double seconds = 0;
  uint64_t binlog_bytes = 0;  // bytes of binlog between START and STOP
};

// The mariadb-binlog arguments for `options` over the inflated `files` (paths), without the
// program name. Pure; unit-tested.
std::vector<std::string> ReplayArguments(const ReplayOptions& options,
                                         const std::vector<std::string>& files);

// Errors: kServer with the first line either tool printed to stderr (a statement the target
// refused), kIo for the temporary files, kCancelled, kLockTimeout past timeout_s.
Status RunReplay(const ReplayOptions& options, const ErrorCollector* cancel, ReplayReport* report);

}  // namespace myvault::binlog
