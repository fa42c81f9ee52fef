// Retrying after a lost connection: the target restarted, or a connection was killed.
//
// Every retry of a restore waits RetryDelaySeconds(attempt): 0.5, 1, 2, 4, 8, 8, ... s, so the
// default 5 retries span 15.5 s, enough for a server to restart. WithReconnect runs a unit of
// work on a session and, when the connection is lost (or cannot be reopened yet), waits, opens a
// new session with `connect` and runs the unit again; so the unit must be safe to repeat (the
// archive's DDL drops before it creates, the journal says what is done). Each retry is logged.
//
// Thread safety: functions of their arguments; a ReconnectPolicy is shared read-only.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::restore {

// The wait before retry `attempt` (0 for the first retry).
double RetryDelaySeconds(int attempt);
// Sleeps RetryDelaySeconds(attempt), returning early when `cancel` is cancelled.
void RetryWait(int attempt, const ErrorCollector* cancel);
// A lost connection: the unit may succeed on a new one.
bool IsConnectionLoss(const Status& s);

struct ReconnectPolicy {
  std::function<Result<std::unique_ptr<mysql::Session>>()> connect;  // a session set up anew
  int retries = 5;
  ProgressReporter* progress = nullptr;
  const ErrorCollector* cancel = nullptr;
};

// Connects with `policy.connect`, retrying while the server cannot be reached.
Result<std::unique_ptr<mysql::Session>> ConnectWithRetries(const ReconnectPolicy& policy);

// Runs fn(**session); on a lost connection reconnects (*session is replaced) and runs it again,
// up to policy.retries times. A null *session is connected first.
Status WithReconnect(const ReconnectPolicy& policy, std::unique_ptr<mysql::Session>* session,
                     const std::function<Status(mysql::Session&)>& fn);

}  // namespace myvault::restore
