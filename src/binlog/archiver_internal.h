// Private to the archiver: start-up checks and the first start position
// (archiver_start.cc), used by the streaming loop (archiver.cc).
#pragma once

#include <string>

#include "myvault/binlog/archiver.h"
#include "myvault/binlog/files.h"
#include "myvault/mysql/session.h"

namespace myvault::binlog {

// log_bin on (else kServer), server_id non-zero (kServer), REPLICATION SLAVE and a binlog monitor
// privilege (kAuth naming the GRANT); binlog_format other than ROW is logged as a warning.
Status CheckRequirements(mysql::Session& session, const ArchiverOptions& options);

// The server's binary logs, oldest first (SHOW BINARY LOGS).
Result<std::vector<std::string>> ServerBinlogs(mysql::Session& session);

// Where a first start begins: the oldest backup's snapshot file when the server still has it,
// else the server's current file. Logs which and why.
Result<std::string> FirstStartFile(mysql::Session& session, const ArchiverOptions& options);

void Log(const ArchiverOptions& options, const std::string& line);

}  // namespace myvault::binlog
