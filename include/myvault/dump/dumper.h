// The dump subcommand: options, report, and Run.
//
// RunDump connects, resolves what to dump, takes one consistent snapshot shared by
// `threads` worker connections, writes the schema, streams every table through the data
// pipeline (planner -> dump workers -> parallel compression -> one writer, see pipeline.h), then
// the views/triggers/routines/events and the index, and renames FILE.partial to FILE only when
// everything succeeded. On any failure or cancellation no FILE and no FILE.partial remain.
// RunDump is the only entry point; it owns every thread and connection it starts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "myvault/archive/contents.h"
#include "myvault/archive/crypto.h"
#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "myvault/dump/catalog.h"
#include "myvault/mysql/options.h"
#include "myvault/mysql/server_info.h"
#include "myvault/status.h"

namespace myvault::dump {

struct DumpOptions {
  mysql::ConnectionOptions connection;
  Selection selection;
  std::string output;                  // archive path; FILE.sha256 is written beside it
  int threads = 4;                     // worker connections
  int compress_threads = 0;            // 0: one per core
  int compress_level = 1;              // libdeflate level 0..12
  uint64_t chunk_size = 1u << 20;      // SQL bytes per gzip member (a larger row makes it larger)
  uint64_t statement_size = 1u << 20;  // bytes per INSERT statement
  int max_chunks_in_flight = 0;        // 0: 2 * threads + compress_threads
  uint64_t keyset_page_rows = 0;       // rows per keyset page; 0: about 4 chunks' worth
  int lock_wait_timeout_s = 60;
  mysql::SnapshotMethod snapshot_method = mysql::SnapshotMethod::kAuto;  // --snapshot-method
  bool skip_definer = false;
  bool fsync = true;
  bool checksum_base_name = false;  // FILE.sha256 names FILE by base name (archive::WriterOptions)
  ProgressMode progress = ProgressMode::kAuto;
  // Encryption (format version 2, docs/format.md 11): the recipients' public keys (--encrypt-to)
  // and/or a passphrase (--passphrase-file). Neither: a plain version 1 archive.
  std::vector<archive::PublicKey> encrypt_to;
  std::optional<archive::SecretBytes> passphrase;

  // Checks ranges and required fields before any connection is opened.
  Status Validate() const;
};

struct DumpReport {
  uint64_t tables = 0, rows = 0, chunks = 0;
  uint64_t raw_bytes = 0, archive_bytes = 0;
  double seconds = 0;
  double lock_seconds = 0;                   // writes held while the snapshots were opened
  double nontransactional_lock_seconds = 0;  // whole hold when MyISAM/Aria kept it (includes
                                             // lock_seconds); 0 without such tables
  std::string binlog_file, binlog_position, gtid_position;
  archive::ArchiveContents contents;  // what the archive holds of each database
  // Databases left out although the selection covered them (a restore was loading them), with
  // the reason. The archive is complete for what it holds; callers report these loudly.
  std::map<std::string, std::string> excluded;
};

// The status a finished dump reports to its caller: Ok, or kRestoreInProgress naming the
// databases it left out (the archive itself is complete and kept).
Status ExcludedDatabasesStatus(const DumpReport& report);

Status RunDump(const DumpOptions& options, ErrorCollector* errors, DumpReport* report);

}  // namespace myvault::dump
