#include "restore/reconnect.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace myvault::restore {
namespace {

// A connect that failed because nothing answers (yet) is worth another try.
bool Unreachable(const Status& s) { return s.code() == StatusCode::kConnection; }

void LogRetry(const ReconnectPolicy& policy, const Status& st, int attempt) {
  if (policy.progress == nullptr) return;
  char wait[32];
  std::snprintf(wait, sizeof wait, "%.1f", RetryDelaySeconds(attempt));
  policy.progress->Warn(st.message() + "; reconnecting in " + wait + " s (retry " +
                        std::to_string(attempt + 1) + " of " + std::to_string(policy.retries) +
                        ")");
}

}  // namespace

double RetryDelaySeconds(int attempt) { return std::min(8.0, 0.5 * (1 << std::min(attempt, 4))); }

void RetryWait(int attempt, const ErrorCollector* cancel) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int>(RetryDelaySeconds(attempt) * 1000));
  while (std::chrono::steady_clock::now() < until && (cancel == nullptr || !cancel->cancelled())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool IsConnectionLoss(const Status& s) {
  switch (s.server_errno()) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN: return true;
    default: return false;
  }
}

Result<std::unique_ptr<mysql::Session>> ConnectWithRetries(const ReconnectPolicy& policy) {
  for (int attempt = 0;; ++attempt) {
    auto s = policy.connect();
    if (s.ok() || !Unreachable(s.status()) || attempt >= policy.retries) return s;
    if (policy.cancel != nullptr && policy.cancel->cancelled()) return policy.cancel->first();
    LogRetry(policy, s.status(), attempt);
    RetryWait(attempt, policy.cancel);
  }
}

Status WithReconnect(const ReconnectPolicy& policy, std::unique_ptr<mysql::Session>* session,
                     const std::function<Status(mysql::Session&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    Status st;
    if (*session == nullptr) {
      auto fresh = policy.connect();
      if (fresh.ok()) {
        *session = std::move(fresh).value();
      } else {
        st = fresh.status();
        if (!Unreachable(st)) return st;
      }
    }
    if (*session != nullptr) st = fn(**session);
    if (st.ok()) return st;
    if (policy.cancel != nullptr && policy.cancel->cancelled()) return policy.cancel->first();
    const bool lost = *session == nullptr || IsConnectionLoss(st);
    if (!lost || attempt >= policy.retries) return st;
    session->reset();
    LogRetry(policy, st, attempt);
    RetryWait(attempt, policy.cancel);
  }
}

}  // namespace myvault::restore
