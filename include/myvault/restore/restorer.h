// The restore subcommand: options, report, and Run.
//
// RunRestore loads an archive into a server in phases: verify (the whole file, before the server
// is touched; not possible for stdin), prepare (connect, take a user lock per target database so
// that no other restore loads them at the same time, check the account's privileges and what
// the binary log and replicas will see, show what will be replaced and who is using it, confirm),
// schema (drop the databases being replaced; create databases, tables, sequences; secondary
// indexes dropped when they are to be built after the data), data (chunks in parallel over
// `threads` connections, each chunk one transaction), indexes (the deferred ones, tables in
// parallel), post (views, triggers, routines, events: no trigger fires during the load), and check
// (row counts against the archive's). Progress is journalled on the target in
// `_myvault_restore`.`progress` in the same transaction as each chunk, so `resume` continues an
// interrupted restore without reloading or duplicating anything; the journal is removed at the
// end. A connection lost (the target restarted) is reopened, with backoff, and the work it
// carried repeated; every wait for a lock is bounded by lock_wait_timeout_s, and a cancellation
// kills the statement that waits. RunRestore owns every thread and connection it starts;
// errors come back as a Status whose message says what state the target was left in.
//
// ListArchive describes an archive without any server.
//
// Thread safety: RunRestore may run concurrently on different inputs and targets.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "myvault/mysql/options.h"
#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::restore {

enum class DeferIndexes { kAuto, kAlways, kNever };
// How data chunks go to the server (--load-method), for tables whose column types load exactly
// from binary strings; the others always get the archive's INSERT statements. kBulk: prepared
// INSERTs with MariaDB's array binding (no table-level AUTO-INC lock; loaders sharing an
// AUTO_INCREMENT table still send one at a time, see ServerInfo::SerializesAutoIncrementInserts);
// kLoadData: LOAD DATA LOCAL INFILE; kInsert: the INSERT statements; kAuto: kBulk on a
// server that has array binding, else kLoadData.
enum class LoadMethodChoice { kAuto, kBulk, kLoadData, kInsert };
// Whether the load goes to the target's binary log (and so to its replicas). kUnset writes it
// there only when the account may not set sql_log_bin, and is refused when replicas are
// connected to the target (or it cannot be seen whether they are): the operator must choose.
enum class Binlog { kUnset, kSkip, kEnable };
// What happens to the archive's accounts (a whole-server dump holds them). kSkip (the default):
// nothing, the plan says how many were left. kCreate (--users): the missing ones are created, the
// ones that exist and differ are reported and kept. kReplace (--users=replace): those are dropped
// and recreated, except the account the restore is connected as.
enum class UsersMode { kSkip, kCreate, kReplace };

struct RestoreOptions {
  mysql::ConnectionOptions connection;
  std::string input;  // archive path, or "-" for stdin
  // Opens an encrypted archive (--decrypt-with, --passphrase-file): every member is authenticated
  // before anything is loaded; without it an encrypted archive is refused before any connection.
  archive::Identity identity;
  int threads = 4;                     // loader connections
  std::vector<std::string> databases;  // only these databases of the archive (empty: all)
  // Only these tables ("db.table", shell patterns allowed), their data and the triggers on them;
  // their databases are never dropped and every other object in them is left alone. Only the
  // members of these tables are read (and checked) from an archive file.
  std::vector<std::string> tables;
  std::map<std::string, std::string> rename;  // archive database -> target database
  bool assume_yes = false;                    // no confirmation prompt
  bool drop_existing = true;                  // drop a database being replaced before loading
  DeferIndexes defer_indexes = DeferIndexes::kAuto;
  // kAuto defers a table's secondary indexes when its data in the archive is at least this big
  // (measured: bench/compare_restore.sh, docs/benchmarks.md).
  uint64_t defer_indexes_min_bytes = 4u << 20;
  // Falls back to INSERT statements when the server refuses the method.
  LoadMethodChoice load_method = LoadMethodChoice::kAuto;
  // --exclusive: the target belongs to this restore; settings that make a bulk load cheaper
  // (mysql::ServerInfo::BulkLoadSettings) are applied for its duration and always put back.
  bool exclusive = false;
  bool resume = false;  // continue an interrupted restore of the same archive and options
  // Before the target changes, an archive file is checked against FILE.sha256 (one pass, nothing
  // inflated; each member is checked as it loads), or, without one, inflated and checked member
  // by member as `myvault verify` does. full_verify (--full-verify) always does the latter.
  bool full_verify = false;
  int retries = 5;  // tries per chunk (and per statement after a lost connection), 0.5..8 s apart
  Binlog binlog = Binlog::kUnset;      // --enable-binlog / --skip-binlog
  UsersMode users = UsersMode::kSkip;  // --users, --users=replace
  // Bounds every wait of the restore's statements for a metadata or table lock (DROP DATABASE
  // behind an open transaction, any DDL behind LOCK TABLES): the session's lock_wait_timeout.
  // 60 s, as the dump's: a normal transaction ends well within it; an idle one left open by an
  // application does not, and then the restore stops naming it rather than waiting for ever.
  int lock_wait_timeout_s = 60;
  ProgressMode progress = ProgressMode::kAuto;
  std::string terminal = "/dev/tty";  // where the confirmation is asked
  // Calibration (EstimateRto): only the first `sample_chunks` data chunks of each table --tables
  // names are read, checked and loaded, and the row check is skipped; 0 loads everything. Needs
  // --tables and an archive file.
  uint32_t sample_chunks = 0;

  // Checks ranges and combinations before anything is opened.
  Status Validate() const;
};

struct PhaseTime {
  std::string name;  // verify, prepare, schema, data, indexes, post, check
  double seconds = 0;
};

struct TableRows {
  std::string schema, name;  // on the target (after --rename)
  uint64_t rows = 0;
};

struct RestoreReport {
  std::vector<PhaseTime> phases;  // in order; the confirmation wait is not in any of them
  double seconds = 0;             // total without the confirmation wait: the measured RTO
  uint64_t sql_bytes = 0;         // SQL text of the data chunks loaded
  uint64_t rows = 0, chunks = 0;
  uint64_t chunks_skipped = 0;         // already committed by the interrupted run (--resume)
  uint64_t retries = 0;                // chunk attempts repeated after a retryable error
  uint64_t bulk_chunks = 0;            // loaded with array-bound INSERTs
  uint64_t load_data_chunks = 0;       // loaded with LOAD DATA LOCAL INFILE (the rest: INSERT)
  std::vector<std::string> databases;  // target names
  std::vector<TableRows> tables;       // in archive order
  // Accounts (--users): created, replaced, left as they were (identical), and those that exist
  // and differ and were kept (named, for the report).
  uint64_t accounts_created = 0, accounts_replaced = 0, accounts_same = 0;
  std::vector<std::string> accounts_kept;
  // A plain mysqldump backup (restore/plain_restore.h): its statements ran one by one.
  bool plain = false;
  uint64_t statements = 0;
  // False when the restore stopped before it changed anything on the target (a refused check,
  // a lock held by another restore, no confirmation): there is nothing to clean up.
  bool target_changed = false;
};

Status RunRestore(const RestoreOptions& options, ErrorCollector* errors, RestoreReport* report);

// The rows of a restored table to compare with the rows its archive records: COUNT(*), of every
// version for a system-versioned table (FOR SYSTEM_TIME ALL: a dump keeps the history); nullopt
// for a table whose engine keeps no rows of its own (MERGE, FEDERATED, ...: a dump writes none,
// and what it reads belongs to other tables). The restore's check and the drill's use it.
Result<std::optional<uint64_t>> CountRestoredRows(mysql::Session& session,
                                                  const std::string& schema,
                                                  const std::string& table);

// The expected RTO of restoring `options.input` with `options` on the target it names
// (`restore --list --estimate`), calibrated by a real restore of a sample: the first chunks of the
// archive's largest table (about 64 MiB of SQL, at least two per loader) loaded with the same
// loaders into a scratch database `myvault_rto_PID`, which is dropped afterwards (the target's own
// databases are not touched; the load is kept out of its binary log). Each phase measured on the
// sample is scaled by the archive's SQL bytes over the sample's.
struct RtoEstimate {
  std::string table;           // the sampled table, `db`.`t`
  uint32_t sample_chunks = 0;  // chunks of it loaded
  uint32_t table_chunks = 0;
  uint64_t sample_bytes = 0;        // SQL bytes of the sample
  uint64_t total_bytes = 0;         // SQL bytes of every data chunk the restore would load
  std::vector<PhaseTime> measured;  // the sample's phases
  std::vector<PhaseTime> expected;  // verify, data, indexes, other: scaled
  double seconds = 0;               // their sum
  // When the restore would check the file in one pass against FILE.sha256 (no database it
  // would replace on the target, no --full-verify): that pass's time, timed on a prefix of the
  // file; negative when the restore would check every member.
  double one_pass_seconds = -1;
};
// Pure arithmetic of the scaling (unit-tested): verify, data and indexes scale with the bytes,
// except that verify is one_pass_seconds when that is set; the rest (prepare, schema, post) is
// taken as measured.
RtoEstimate ScaleEstimate(RtoEstimate sample);
Result<RtoEstimate> EstimateRto(const RestoreOptions& options, ErrorCollector* errors);
// "RTO estimate ...", a few lines for `restore --list --estimate`.
std::string DescribeEstimate(const RtoEstimate& e, int threads, double objective_s);

// What `restore --list` prints: snapshot facts, then every database and table with rows and
// SQL size, read from the index alone. kNotFound / kCorrupt / KeyError like ArchiveReader::Open.
Result<std::string> ListArchive(const std::string& path,
                                const archive::Identity* identity = nullptr);

}  // namespace myvault::restore
