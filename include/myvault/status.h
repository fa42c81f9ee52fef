// Status and Result<T>: errors as values.
//
// Every fallible function in myvault returns a Status (code + one-line message) or a Result<T>
// (a T or a Status). Context is added on the way up with Status::WithContext ("dump `shop`.`orders`
// chunk 17: ..."), so the message that reaches the user names where and why. Nothing throws across
// a component boundary; exceptions from libraries are caught where they enter our code.
// Only main() turns a final Status into an exit code, through ExitCodeFor() (see README's table).
//
// Thread safety: Status and Result are plain values; copy them freely between threads.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace myvault {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad option or input given by the user
  kConnection,         // cannot reach the server (host, port, socket, TLS)
  kAuth,               // access denied
  kNotFound,           // unknown database, table or file
  kServer,             // server error during work (query failed, connection lost)
  kLockTimeout,        // could not take the backup lock within the bounded wait
  kIo,                 // local file system: cannot write, disk full, permissions
  kCorrupt,            // archive damaged, truncated or not an archive
  kCancelled,          // interrupted by a signal
  kUnhealthy,          // status: no backup, or the newest is older than --max-age
  kRestoreInProgress,  // backup: a database it covers is being (or was half) restored
  kInternal,           // a bug: a broken invariant
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Server errors keep the server's errno and SQLSTATE; `retryable` marks errors that a retry of
  // the same unit of work may cure (deadlock, lock wait timeout, lost connection).
  unsigned server_errno() const { return server_errno_; }
  const std::string& sqlstate() const { return sqlstate_; }
  bool retryable() const { return retryable_; }
  Status& SetServerError(unsigned err, std::string sqlstate, bool retryable) {
    server_errno_ = err;
    sqlstate_ = std::move(sqlstate);
    retryable_ = retryable;
    return *this;
  }

  // Returns a copy whose message is "context: message".
  Status WithContext(std::string_view context) const;
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  unsigned server_errno_ = 0;
  std::string sqlstate_;
  bool retryable_ = false;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status IoError(std::string m) { return {StatusCode::kIo, std::move(m)}; }
inline Status Corrupt(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status Unhealthy(std::string m) { return {StatusCode::kUnhealthy, std::move(m)}; }

// IoError with strerror(errno_value) appended: "write /b/x.partial: No space left on device".
Status IoErrorFromErrno(std::string_view what, int errno_value);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

// Process exit codes: one table, documented in README.md ("Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,
  kExitUsage = 2,
  kExitConnection = 3,          // cannot connect or access denied
  kExitNotFound = 4,            // unknown database/table, missing file
  kExitServer = 5,              // server error or lost connection during work
  kExitIo = 6,                  // local write/read failure (disk full, permissions)
  kExitCorrupt = 7,             // archive damaged or truncated
  kExitLockTimeout = 8,         // a lock (backup or table) not acquired within --lock-wait-timeout
  kExitUnhealthy = 9,           // status/monitor: no backup, or the newest older than --max-age
  kExitRestoreInProgress = 10,  // dump/backup: a database under restore refused or left out
  kExitCancelled = 130,         // SIGINT/SIGTERM
};

int ExitCodeFor(const Status& status);

}  // namespace myvault

#define MYVAULT_CONCAT_INNER_(a, b) a##b
#define MYVAULT_CONCAT_(a, b) MYVAULT_CONCAT_INNER_(a, b)

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define RETURN_IF_ERROR(expr)       \
  do {                              \
    ::myvault::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: declares x from a Result, or returns its Status.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(MYVAULT_CONCAT_(_res_, __LINE__), lhs, rexpr)
// `lhs` is a declaration, so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL_(res, lhs, rexpr) \
  auto res = (rexpr);                           \
  if (!res.ok()) return res.status();           \
  lhs = std::move(res).value()
// NOLINTEND(bugprone-macro-parentheses)
