// `myvault drill`: the disaster-recovery drill (ops::RunDrill) from the command line: picks the
// backup, restores it under scratch names on the server the connection flags name, checks and
// times it, drops the copies, prints one summary line (or JSON), and notifies (NOTIFY_SLACK).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "crypto_flags.h"
#include "flags.h"
#include "myvault/common/cancel.h"
#include "myvault/ops/drill.h"
#include "ops_flags.h"

namespace myvault::cli {

struct DrillCommand {
  ops::DrillOptions options;
  BackupDirFlags dir;
  ConnectionFlags connection;
  std::string progress = "none";
  bool json = false;
  bool quiet = false;
  DecryptFlags decrypt;
  std::string until, until_gtid, until_position;  // point in time (one at most)
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

// "5h12m", "3d4h", "12m30s", "45s" (negative ages, from a clock ahead of ours, read "0s").
std::string FormatAge(double seconds);
// The human summary: "drill OK: NAME (1.2 GiB) restored into a_drill in 83.4 s (RTO), backup age
// 5h12m (RPO), 12 tables, 3,456,789 rows checked", or "drill FAILED: CAUSE".
std::string DrillSummary(const ops::DrillReport& report, const Status& status);

}  // namespace myvault::cli
