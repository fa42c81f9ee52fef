// The binlog archiver: `myvault binlog` (and `daemon --binlog`) copies a server's binary log into
// the backup directory as it is written, for point-in-time recovery.
//
// It reads the binary log as a replica does (myvault/mysql/binlog_stream.h: Connector/C's
// mariadb_rpl_* API, in process, so every event's offset, transaction boundary and GTID is known
// as it arrives) and writes it through myvault/binlog/files.h: one archived file per server file,
// gzip members appended, fsynced at a transaction boundary at least every `flush_every_s`, renamed
// complete with its .sha256 when the server moves to the next file, and the index updated after
// each sync.
//
// It resumes exactly where the archive ends: at start it recovers the open partial (cutting off
// a member torn by a crash) and asks the server for the next byte. A lost connection or a
// restarting server is retried with a bounded backoff (1 s doubling to `max_retry_delay_s`),
// logging each retry. A gap (the file it needs was purged, or the server's binlog was reset so
// that the file no longer continues the archive) is logged, sent to `alert`, recorded in the
// index (the next file's gap_before: the recoverable window ends there) and archiving goes on
// from the oldest binlog the server still has.
//
// On its first start in a directory it begins at the binlog file of the snapshot of the oldest
// backup kept there, when the server still has it; otherwise at the server's current file, and
// says so. Requirements are checked at start, one clear error each: binary logging on, a
// non-zero server_id, REPLICATION SLAVE and the binlog monitor privilege (binlog_format other
// than ROW is only warned about).
//
// Thread safety: RunArchiver runs on the calling thread until `cancel` is cancelled.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "myvault/common/cancel.h"
#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::binlog {

struct ArchiverOptions {
  mysql::ConnectionOptions connection;
  std::string dir;
  std::string prefix = "myvault";
  double flush_every_s = 1;        // > 0: the longest a committed transaction waits for fsync
  uint32_t replica_server_id = 0;  // 0: ReplicaServerId(dir, prefix)
  double max_retry_delay_s = 30;   // the backoff's ceiling
  std::function<void(const std::string&)> log;    // one line per event (may be empty)
  std::function<void(const std::string&)> alert;  // a gap, for Slack (may be empty)
};

// The server id the archiver gives itself when none is set: stable for a directory and prefix,
// in 1000000000..1999999999 (away from the small ids servers are usually given).
uint32_t ReplicaServerId(const std::string& dir, const std::string& prefix);

// Returns Ok when cancelled (SIGTERM), after syncing everything received; errors only for what
// retrying cannot cure: a requirement the server or account does not meet, a local I/O error.
Status RunArchiver(const ArchiverOptions& options, ErrorCollector* cancel);

}  // namespace myvault::binlog
