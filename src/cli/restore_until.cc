// `myvault restore --until`: a backup, then the archived binlog up to a point in time.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "commands.h"
#include "myvault/binlog/replay.h"
#include "myvault/ops/cron.h"
#include "myvault/ops/health.h"

namespace myvault::cli {
namespace {

// --rewrite-db renames row events and a statement's default database, not a name written in the
// statement: `ALTER TABLE shop.orders ...` replayed under --rename shop=shop_old would change
// `shop` itself. Such a range is refused before anything is touched, as drill --until does.
Status RefuseDdlOutsideTheRename(const std::string& dir, const std::string& prefix,
                                 const binlog::ReplayPlan& plan,
                                 const std::map<std::string, std::string>& rename) {
  std::vector<std::string> renamed;
  for (const auto& [from, to] : rename) renamed.push_back(from);
  if (renamed.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::string ddl, binlog::DdlNamingDatabases(dir, prefix, plan, renamed));
  if (ddl.empty()) return Status::Ok();
  return InvalidArgument(
      "restore --until with --rename: the binlog to replay holds DDL that names a renamed "
      "database itself, which the replay would run against that database, not the new name: " +
      ddl +
      "; nothing was touched (restore to a point before it, or without --rename into another "
      "server)");
}

}  // namespace

Status RestoreCommand::RunPointInTime(ErrorCollector* errors) {
  ASSIGN_OR_RETURN(binlog::Target target, binlog::ParseTarget(until, until_gtid, until_position));
  ASSIGN_OR_RETURN(int64_t timeout, ops::ParseDuration(replay_timeout));
  ASSIGN_OR_RETURN(binlog::ReplayPlan plan,
                   binlog::PlanReplay(dir.dir, dir.prefix, target, errors, &options.identity));
  if (!quiet) {
    std::printf(
        "point in time %s: backup %s (snapshot %s:%llu), then %llu transactions of "
        "binlog from there to %s:%llu\n",
        target.Describe().c_str(), plan.backup.backup.c_str(), plan.backup.file.c_str(),
        static_cast<unsigned long long>(plan.start),
        static_cast<unsigned long long>(plan.transactions), plan.files.back().c_str(),
        static_cast<unsigned long long>(plan.stop));
    std::fflush(stdout);
  }
  RETURN_IF_ERROR(RefuseDdlOutsideTheRename(dir.dir, dir.prefix, plan, options.rename));
  options.input = plan.backup.path;
  restore::RestoreReport report;
  RETURN_IF_ERROR(restore::RunRestore(options, errors, &report));
  if (!quiet) PrintReport(report);
  binlog::ReplayOptions replay;
  replay.connection = options.connection;
  replay.dir = dir.dir;
  replay.prefix = dir.prefix;
  replay.plan = plan;
  replay.database = options.databases.empty() ? "" : options.databases.front();
  replay.rename = options.rename;
  replay.skip_binlog = options.binlog == restore::Binlog::kSkip;
  replay.timeout_s = static_cast<double>(timeout);
  binlog::ReplayReport replayed;
  RETURN_IF_ERROR(binlog::RunReplay(replay, errors, &replayed)
                      .WithContext("the backup is restored, the binlog replay failed"));
  if (!quiet) {
    const double mb = static_cast<double>(replayed.binlog_bytes) / 1e6;
    std::printf(
        "replayed %llu transactions (%.1f MB of binlog) in %.1f s; last applied: %s\n",
        static_cast<unsigned long long>(plan.transactions), mb, replayed.seconds,
        plan.last_gtid.empty()
            ? "none (the backup is already at the target)"
            : (plan.last_gtid + " at " + ops::FormatUtc(plan.last_time, false) + " UTC").c_str());
  }
  return Status::Ok();
}

}  // namespace myvault::cli
