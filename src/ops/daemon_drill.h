// The restore drills of `myvault daemon` (contract at DaemonOptions in myvault/ops/backup.h):
// the check that the drill target is not the backups' own server, and one recorded, notified
// drill.
//
// Thread safety: plain functions; each call owns its connections.
#pragma once

#include <optional>

#include "myvault/ops/backup.h"

namespace myvault::ops {

// At start: kInvalidArgument when the drill target is the backups' server and drill_on_source is
// off. A server that cannot be reached now is logged and checked again before each drill.
Status CheckDrillTargetAtStart(const DaemonOptions& options, const LogFn& log);

// One drill: the target check, RunDrill, the state file, the notification, the metrics file.
// Failures are logged and recorded, never returned; a signal stops the drill (RunDrill drops the
// scratch copies) and nothing is recorded.
void RunScheduledDrill(const DaemonOptions& options, const std::optional<LastRun>& last_run,
                       ErrorCollector* errors, const LogFn& log);

}  // namespace myvault::ops
