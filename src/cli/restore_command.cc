#include <cstdio>

#include "commands.h"
#include "myvault/archive/plain.h"
#include "myvault/common/progress.h"
#include "myvault/sql/text.h"

namespace myvault::cli {
namespace {

// A plain mysqldump backup's restore (restore/plain_restore.h): statements, not chunks.
void PrintPlainReport(const restore::RestoreReport& r) {
  std::printf(
      "restored plain mysqldump backup: %llu statements, %llu rows into %zu tables of %zu "
      "database(s) in %.1f s (RTO)\n",
      static_cast<unsigned long long>(r.statements), static_cast<unsigned long long>(r.rows),
      r.tables.size(), r.databases.size(), r.seconds);
  std::string phases;
  for (const auto& p : r.phases) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.1f s", phases.empty() ? "" : ", ", p.name.c_str(),
                  p.seconds);
    phases += buf;
  }
  std::printf("phases: %s\n", phases.c_str());
  for (const auto& t : r.tables) {
    std::printf("  %-48s %14llu rows\n", sql::QualifiedName(t.schema, t.name).c_str(),
                static_cast<unsigned long long>(t.rows));
  }
}

}  // namespace

void RestoreCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("restore", "Load an archive into a server (parallel, resumable)");
  app->set_help_flag("--help", "Show this help");
  app->add_option("file", options.input,
                  "Archive to restore, or - to read it from stdin (none with --until...)");
  connection.Register(app);
  app->add_option("-t,--threads", options.threads, "Loader connections")->capture_default_str();
  AddListOption(app, "--databases", &options.databases,
                "Restore only these databases of the archive (default: all)");
  AddListOption(app, "--tables", &options.tables,
                "Restore only these tables (db.table, shell patterns such as 'db.log_*'), "
                "with their triggers; their databases are never dropped");
  AddListOption(app, "--rename", &renames, "OLD=NEW ...: load database OLD under the name NEW");
  app->add_flag("-y,--yes", options.assume_yes, "Do not ask for confirmation");
  app->add_flag("--list", list, "Print what the archive holds and exit (no server needed)");
  app->add_flag("--estimate", estimate,
                "With --list: also time a restore of a sample of the largest table (about 64 MiB "
                "of it, into a scratch database myvault_rto_PID on the target, dropped after) and "
                "print the expected RTO at --threads");
  app->add_flag("--drop-existing,!--no-drop-existing", options.drop_existing,
                "Drop a database being replaced before loading it (default: on)");
  app->add_option("--defer-indexes", defer_indexes,
                  "Build secondary indexes after the data: auto, always or never")
      ->capture_default_str();
  app->add_flag(
      "--resume", options.resume,
      "Continue an interrupted restore of this archive (same --databases/--tables/--rename)");
  app->add_option("--retries", options.retries,
                  "Extra tries per chunk after a deadlock, lock wait timeout or lost connection, "
                  "and per statement after a lost connection (0.5, 1, 2, 4, 8, 8... s apart)")
      ->capture_default_str();
  app->add_option("--load-method", load_method,
                  "How data chunks are sent: auto (bulk on MariaDB, else load-data), bulk "
                  "(prepared INSERTs with array binding), load-data (LOAD DATA LOCAL INFILE) or "
                  "insert (the archive's INSERT statements); tables with BIT, INET6, UUID... "
                  "columns always get INSERT statements")
      ->capture_default_str();
  app->add_flag("--full-verify", options.full_verify,
                "Before touching the target, inflate and check every member as `myvault verify` "
                "does (default: the whole file against FILE.sha256 when it exists, one fast pass, "
                "and each member as it loads)");
  app->add_flag("--exclusive", options.exclusive,
                "The target belongs to this restore (disaster recovery): relax durability "
                "settings for the load (innodb_flush_log_at_trx_commit=0, sync_binlog=0; "
                "MySQL 8 also disables the redo log) and put them back at the end, after an "
                "error or a signal too; needs SUPER or SYSTEM_VARIABLES_ADMIN");
  app->add_flag("--enable-binlog", enable_binlog,
                "Write the load to the target's binary log: its replicas replay it");
  app->add_flag("--skip-binlog", skip_binlog,
                "Keep the load out of the binary log (sql_log_bin=0): replicas do not follow. "
                "One of the two is required when replicas are connected");
  app->add_flag("--users", users,
                "Restore the archive's accounts (a whole-server dump holds them): create the "
                "missing ones; those that exist and differ are reported and kept, or dropped and "
                "recreated with --users=replace (never the restoring account itself)")
      ->type_name("[=replace]");
  app->add_option("--lock-wait-timeout", options.lock_wait_timeout_s,
                  "Seconds a statement may wait for a lock (DROP DATABASE behind an open "
                  "transaction, DDL behind LOCK TABLES) before the restore stops, naming the "
                  "sessions in the way")
      ->capture_default_str();
  app->add_option("--until", until,
                  "Point in time: restore the newest backup of --dir before TIME, then replay "
                  "the archived binlog up to TIME, not including it ('YYYY-MM-DD HH:MM:SS', UTC "
                  "unless it ends in +HH:MM or -HH:MM)");
  app->add_option("--until-gtid", until_gtid,
                  "Point in time: as --until, stopping before the transaction with this GTID");
  app->add_option("--until-position", until_position,
                  "Point in time: as --until, stopping at binlog FILE:POSITION");
  app->add_option("--replay-timeout", replay_timeout,
                  "The longest the binlog replay may take (30m, 2h, ...)")
      ->capture_default_str();
  dir.Register(app);
  app->add_flag("-q,--quiet", quiet, "Print errors only");
  decrypt.Register(app);
  app->add_option("--progress", progress, "auto, bar, lines or none")->capture_default_str();
}

Status RestoreCommand::Parse() {
  for (const std::string& r : renames) {
    const size_t eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size()) {
      return InvalidArgument("--rename takes OLD=NEW, got '" + r + "'");
    }
    if (!options.rename.emplace(r.substr(0, eq), r.substr(eq + 1)).second) {
      return InvalidArgument("--rename names " + r.substr(0, eq) + " twice");
    }
  }
  if (load_method == "auto")
    options.load_method = restore::LoadMethodChoice::kAuto;
  else if (load_method == "bulk")
    options.load_method = restore::LoadMethodChoice::kBulk;
  else if (load_method == "load-data")
    options.load_method = restore::LoadMethodChoice::kLoadData;
  else if (load_method == "insert")
    options.load_method = restore::LoadMethodChoice::kInsert;
  else
    return InvalidArgument("--load-method must be auto, bulk, load-data or insert");
  if (enable_binlog && skip_binlog) {
    return InvalidArgument("--enable-binlog and --skip-binlog contradict each other");
  }
  options.binlog = enable_binlog ? restore::Binlog::kEnable
                   : skip_binlog ? restore::Binlog::kSkip
                                 : restore::Binlog::kUnset;
  if (users.empty())
    options.users = restore::UsersMode::kSkip;
  else if (users == "true" || users == "1")  // --users without a value
    options.users = restore::UsersMode::kCreate;
  else if (users == "replace")
    options.users = restore::UsersMode::kReplace;
  else
    return InvalidArgument("--users takes no value or =replace, got '" + users + "'");
  if (defer_indexes == "auto")
    options.defer_indexes = restore::DeferIndexes::kAuto;
  else if (defer_indexes == "always")
    options.defer_indexes = restore::DeferIndexes::kAlways;
  else if (defer_indexes == "never")
    options.defer_indexes = restore::DeferIndexes::kNever;
  else
    return InvalidArgument("--defer-indexes must be auto, always or never");
  ASSIGN_OR_RETURN(options.progress, ParseProgressMode(progress, quiet));
  if (PointInTime()) {
    if ((!until.empty()) + (!until_gtid.empty()) + (!until_position.empty()) > 1) {
      return InvalidArgument("give one of --until, --until-gtid and --until-position");
    }
    if (!options.input.empty()) {
      return InvalidArgument("--until takes no FILE: it picks the backup from --dir");
    }
    if (!options.tables.empty() || list || options.resume) {
      return InvalidArgument("--until cannot be combined with --tables, --list or --resume");
    }
    if (options.databases.size() > 1) {
      return InvalidArgument(
          "--until replays one database or all: mariadb-binlog filters one "
          "(--databases with several names is not supported)");
    }
    RETURN_IF_ERROR(dir.Validate());
    options.input = "-";  // replaced by the chosen backup; Validate needs an input
    Status st = options.Validate();
    options.input.clear();
    return st;
  }
  if (options.input.empty()) return InvalidArgument("no archive: give FILE, or --until with --dir");
  return options.Validate();
}

void RestoreCommand::PrintReport(const restore::RestoreReport& r) const {
  if (r.plain) {
    PrintPlainReport(r);
    return;
  }
  double data_seconds = 0;
  std::string phases;
  for (const auto& p : r.phases) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.1f s", phases.empty() ? "" : ", ", p.name.c_str(),
                  p.seconds);
    phases += buf;
    if (p.name == "data") data_seconds = p.seconds;
  }
  const double mb = static_cast<double>(r.sql_bytes) / 1e6;
  std::printf("restored %zu tables, %llu rows into %zu database(s) in %.1f s (RTO)\n",
              r.tables.size(), static_cast<unsigned long long>(r.rows), r.databases.size(),
              r.seconds);
  std::printf("phases: %s\n", phases.c_str());
  std::printf("data: %.1f MB of SQL in %llu chunks, %.1f MB/s, %.0f rows/s%s\n", mb,
              static_cast<unsigned long long>(r.chunks), data_seconds > 0 ? mb / data_seconds : 0,
              data_seconds > 0 ? static_cast<double>(r.rows) / data_seconds : 0,
              r.chunks_skipped > 0
                  ? (", " + std::to_string(r.chunks_skipped) + " chunks already loaded").c_str()
                  : "");
  std::printf(
      "chunks: %llu by array-bound INSERT, %llu by LOAD DATA LOCAL INFILE, %llu by INSERT\n",
      static_cast<unsigned long long>(r.bulk_chunks),
      static_cast<unsigned long long>(r.load_data_chunks),
      static_cast<unsigned long long>(r.chunks - r.bulk_chunks - r.load_data_chunks));
  if (r.retries > 0)
    std::printf("retried chunks: %llu\n", static_cast<unsigned long long>(r.retries));
  if (r.accounts_created + r.accounts_replaced + r.accounts_same + r.accounts_kept.size() > 0) {
    std::string kept;
    for (const auto& k : r.accounts_kept) kept += (kept.empty() ? "" : ", ") + k;
    std::printf("accounts: %llu created, %llu replaced, %llu unchanged, %zu kept as they were%s\n",
                static_cast<unsigned long long>(r.accounts_created),
                static_cast<unsigned long long>(r.accounts_replaced),
                static_cast<unsigned long long>(r.accounts_same), r.accounts_kept.size(),
                kept.empty() ? "" : (" (" + kept + ")").c_str());
  }
  for (const auto& t : r.tables) {
    std::printf("  %-48s %14llu rows\n", sql::QualifiedName(t.schema, t.name).c_str(),
                static_cast<unsigned long long>(t.rows));
  }
}

Status RestoreCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  RETURN_IF_ERROR(Parse());
  ASSIGN_OR_RETURN(options.identity, decrypt.Load());
  if (estimate && !list) return InvalidArgument("--estimate goes with --list");
  if (list) {
    if (options.input == "-") {
      return InvalidArgument("--list needs an archive file: it reads the index at the file's end");
    }
    if (const auto format = archive::DetectFormat(options.input);
        format.ok() && *format == archive::FileFormat::kPlain) {
      return InvalidArgument("--list reads an archive's index, and " + options.input +
                             " is a plain mysqldump backup, which has none (`zcat` shows its "
                             "SQL, `myvault verify` checks it)");
    }
    ASSIGN_OR_RETURN(std::string text, restore::ListArchive(options.input, &options.identity));
    std::fputs(text.c_str(), stdout);
    if (!estimate) return Status::Ok();
    std::fflush(stdout);
    ASSIGN_OR_RETURN(options.connection, connection.Resolve(password));
    ASSIGN_OR_RETURN(restore::RtoEstimate e, restore::EstimateRto(options, errors));
    std::fputs(restore::DescribeEstimate(e, options.threads, 30 * 60).c_str(), stdout);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(options.connection, connection.Resolve(password));
  if (PointInTime()) return RunPointInTime(errors);
  restore::RestoreReport report;
  RETURN_IF_ERROR(restore::RunRestore(options, errors, &report));
  if (!quiet) PrintReport(report);
  return Status::Ok();
}

}  // namespace myvault::cli
