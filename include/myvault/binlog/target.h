// A point-in-time target: a time, a GTID or a binlog file:position (restore --until...,
// drill --until...). Parsed here; resolved against the archive by binlog::PlanReplay
// (myvault/binlog/window.h, which also implements these). Plain values: thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "myvault/status.h"

namespace myvault::binlog {

struct Target {
  enum class Kind { kTime, kGtid, kPosition } kind = Kind::kTime;
  int64_t time = 0;  // UTC seconds: stop before the first transaction at or after it
  std::string gtid;  // stop before this transaction
  std::string file;  // stop at this offset of this file
  uint64_t position = 0;
  std::string Describe() const;
};
// "2025-01-30 11:59:00" (UTC), "2025-01-30T11:59:00Z", "2025-01-30 11:59:00+02:00" (an offset
// east of UTC), "...-05:00". InvalidArgument otherwise.
Result<int64_t> ParseUntilTime(const std::string& text);
// "binlog.000042:1234". InvalidArgument otherwise.
Result<Target> ParseUntilPosition(const std::string& text);
// The target of --until TIME, --until-gtid GTID or --until-position FILE:POS, exactly one of them
// non-empty (InvalidArgument otherwise, as for a bad value).
Result<Target> ParseTarget(const std::string& until, const std::string& until_gtid,
                           const std::string& until_position);

}  // namespace myvault::binlog
