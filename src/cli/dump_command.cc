#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "myvault/common/progress.h"

namespace myvault::cli {

void DumpCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("dump", "Dump a server into one verifiable archive");
  app->set_help_flag("--help", "Show this help");
  app->add_option("-o,--output", output, "Archive file to write (FILE.sha256 beside it)")
      ->required();
  flags.Register(app);
}

void DumpFlags::Register(CLI::App* app) {
  connection.Register(app);
  AddListOption(app, "--databases", &options.selection.databases,
                "Dump only these databases (default: every user database)");
  AddListOption(app, "--exclude-databases", &options.selection.exclude_databases,
                "Leave these databases out");
  AddListOption(app, "--tables", &options.selection.tables, "Dump only these tables (db.table)");
  AddListOption(app, "--exclude-tables,--ignore-table", &options.selection.exclude_table_patterns,
                "Leave these tables and views out (db.table; * ? [..] wildcards: db.log_*); "
                "the archive records their databases as partial");
  app->add_option("-t,--threads", options.threads, "Worker connections on the snapshot")
      ->capture_default_str();
  app->add_option("--compress-threads", options.compress_threads,
                  "Compression threads (0: one per core)")
      ->capture_default_str();
  app->add_option("--compress-level", options.compress_level, "libdeflate level 0..12")
      ->capture_default_str();
  app->add_option("--chunk-size", chunk_size_text, "SQL bytes per archive chunk")
      ->capture_default_str();
  app->add_option("--statement-size", statement_size_text, "Bytes per INSERT statement")
      ->capture_default_str();
  app->add_option("--max-chunks-in-flight", options.max_chunks_in_flight,
                  "Chunks buffered at once, bounds memory (0: 2 x threads + compress threads)");
  app->add_option("--keyset-page-rows", options.keyset_page_rows,
                  "Rows per page when paging a composite or string key (0: automatic)");
  app->add_option("--lock-wait-timeout", options.lock_wait_timeout_s,
                  "Seconds to wait for the backup lock before giving up")
      ->capture_default_str();
  app->add_option("--snapshot-method", snapshot_method,
                  "How the connections share one snapshot: auto, backup-stage, ftwrl, "
                  "lock-tables or snapshot-check (auto: a global lock with RELOAD, else "
                  "snapshot-check or lock-tables)")
      ->capture_default_str();
  app->add_flag("--skip-definer", options.skip_definer,
                "Leave DEFINER clauses out of views, triggers, routines and events");
  app->add_flag("-q,--quiet", quiet, "Print errors only");
  app->add_option("--progress", progress, "auto, bar, lines or none")->capture_default_str();
  app->add_flag("--no-fsync", no_fsync, "Skip fsync of the archive (benchmarks only)");
  encrypt.Register(app);
}

Result<dump::DumpOptions> DumpFlags::Build(const mysql::PasswordArg& password) {
  dump::DumpOptions o = options;
  ASSIGN_OR_RETURN(o.chunk_size, ParseSize(chunk_size_text));
  ASSIGN_OR_RETURN(o.statement_size, ParseSize(statement_size_text));
  o.fsync = !no_fsync;
  ASSIGN_OR_RETURN(o.progress, ParseProgressMode(progress, quiet));
  ASSIGN_OR_RETURN(o.snapshot_method, mysql::ParseSnapshotMethod(snapshot_method));
  o.output = o.output.empty() ? "-" : o.output;  // checked by Validate; the caller sets it
  for (const std::string& p : o.selection.exclude_table_patterns) {
    if (p.find('.') == std::string::npos) {
      return InvalidArgument("--exclude-tables wants db.table (wildcards allowed), got '" + p +
                             "'");
    }
  }
  RETURN_IF_ERROR(encrypt.Load(&o.encrypt_to, &o.passphrase));
  o.selection.skip_drill_copies = true;
  o.selection.skip_restoring = true;
  o.selection.system_time = dump::Selection::SystemTime::kHistory;
  RETURN_IF_ERROR(o.Validate());
  ASSIGN_OR_RETURN(o.connection, connection.Resolve(password));
  // DB_DATABASE (or a database in an option file's environment) narrows a default dump.
  if (o.selection.databases.empty() && o.selection.tables.empty() &&
      !o.connection.database.empty()) {
    o.selection.databases.push_back(o.connection.database);
  }
  return o;
}

Status DumpCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  ASSIGN_OR_RETURN(dump::DumpOptions options, flags.Build(password));
  options.output = output;
  RETURN_IF_ERROR(options.Validate());
  dump::DumpReport report;
  RETURN_IF_ERROR(dump::RunDump(options, errors, &report));
  if (!flags.quiet) {
    std::fprintf(stderr,
                 "myvault: dumped %llu tables, %llu rows, %s of SQL into %s (%s) in %.1f s; "
                 "writes held %.3f s\n",
                 static_cast<unsigned long long>(report.tables),
                 static_cast<unsigned long long>(report.rows),
                 ProgressReporter::HumanBytes(static_cast<double>(report.raw_bytes)).c_str(),
                 options.output.c_str(),
                 ProgressReporter::HumanBytes(static_cast<double>(report.archive_bytes)).c_str(),
                 report.seconds,
                 std::max(report.lock_seconds, report.nontransactional_lock_seconds));
    for (const auto& name : report.contents.partial) {
      std::fprintf(stderr,
                   "myvault: note: %s is partial in the archive (the selection left "
                   "some of its objects out): a restore replaces only what it holds\n",
                   name.c_str());
    }
  }
  return dump::ExcludedDatabasesStatus(report);
}

}  // namespace myvault::cli
