#include "myvault/status.h"

#include <cstring>

namespace myvault {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kConnection: return "connection failed";
    case StatusCode::kAuth: return "access denied";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kServer: return "server error";
    case StatusCode::kLockTimeout: return "lock timeout";
    case StatusCode::kIo: return "I/O error";
    case StatusCode::kCorrupt: return "corrupt archive";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kUnhealthy: return "unhealthy";
    case StatusCode::kRestoreInProgress: return "restore in progress";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status s = *this;
  s.message_ = std::string(context) + ": " + message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return message_;
}

Status IoErrorFromErrno(std::string_view what, int errno_value) {
  return IoError(std::string(what) + ": " + std::strerror(errno_value));
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kConnection:
    case StatusCode::kAuth: return kExitConnection;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kServer: return kExitServer;
    case StatusCode::kLockTimeout: return kExitLockTimeout;
    case StatusCode::kIo: return kExitIo;
    case StatusCode::kCorrupt: return kExitCorrupt;
    case StatusCode::kCancelled: return kExitCancelled;
    case StatusCode::kUnhealthy: return kExitUnhealthy;
    case StatusCode::kRestoreInProgress: return kExitRestoreInProgress;
    case StatusCode::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace myvault
