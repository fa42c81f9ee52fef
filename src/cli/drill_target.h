// The restore drill flags of `myvault daemon`: --drill-schedule and the drill target.
//
// The drill target is resolved like the backup connection but from its own sources: the
// --drill-host/--drill-port/--drill-socket/--drill-user flags, then the [myvault-drill] group of
// the same option files (passwords there, never on the command line), then DRILL_HOST,
// DRILL_PORT, DRILL_USERNAME, DRILL_PASSWORD, DRILL_PASSWORD_FILE. Nothing of the backup
// connection (its flags, [client], DB_*, MYSQL_PWD) leaks into it: a target that names no server
// (no host, port or socket anywhere) is refused, unless --drill-on-source says to drill into the
// backups' own server.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "flags.h"
#include "myvault/ops/backup.h"

namespace myvault::cli {

struct DrillTargetFlags {
  std::string schedule;  // empty: no scheduled drill
  std::string host, socket, user, port_text;
  bool on_source = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* app);
  // Fills o->drill_schedule, o->drill.connection and o->drill_on_source. `backup` gives the
  // option files to read and, with --drill-on-source and no target named, the target itself.
  Status Build(const ConnectionFlags& backup, const mysql::Environment& env,
               ops::DaemonOptions* o) const;
};

}  // namespace myvault::cli
