// GFS retention: which backups `myvault prune` keeps and which it removes, and why.
//
// ApplyRetention is a pure function of a list of backups and a policy: it reads no clock and
// touches no files (the caller lists the directory and deletes). Every window is counted back from
// N, the time of the NEWEST AUTOMATIC backup, not from the wall clock, so nothing is removed when
// backups stop. For automatic backups (issue 5, exactly):
//   - daily:   keep every auto backup with time > N - daily*86400 (strictly newer; one that is
//              exactly `daily` days older than N is NOT kept by this class);
//   - weekly:  among the UTC weeks that hold at least one auto backup (a week runs Sunday 00:00:00
//              to Saturday 23:59:59 UTC; Sunday 00:00:00 starts a new week), take the `weekly` most
//              recent and keep the earliest auto backup of each;
//   - monthly: the same over UTC calendar months, `monthly` most recent months that hold one;
//   - newest:  the newest auto backup is always kept (even with daily = weekly = monthly = 0).
// Manual backups are kept (kManual) unless manual_days >= 0 and time < M - manual_days*86400,
// where M is the time of the newest backup of ANY kind (strictly older than the cutoff is removed;
// one exactly at the cutoff is kept). They never take part in the auto classes. With no auto
// backups nothing auto can be removed. Equal times are ordered by name (then input position), so
// "earliest" and "newest" are deterministic. Window arithmetic saturates instead of overflowing.
//
// Thread safety: plain functions over values; call them from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::ops {

enum class BackupKind { kAuto, kManual };

struct Backup {
  std::string name;
  int64_t time = 0;  // Unix seconds, UTC
  BackupKind kind = BackupKind::kAuto;
};

struct RetentionPolicy {
  int daily = 7;
  int weekly = 4;
  int monthly = 12;
  int manual_days = -1;  // < 0: manual backups are never pruned

  // InvalidArgument naming the option when daily, weekly or monthly is negative.
  Status Validate() const;
};

enum class Reason { kDaily, kWeekly, kMonthly, kManual, kNewest, kExpired };

struct Decision {
  size_t index = 0;  // into the input vector
  bool keep = false;
  // Every class that keeps the backup, in enum order; exactly {kExpired} when it is removed.
  std::vector<Reason> reasons;
};

// One Decision per input backup, in input order; the input need not be sorted.
// Precondition: policy.Validate().ok() (negative counts are treated as 0).
std::vector<Decision> ApplyRetention(const std::vector<Backup>& backups,
                                     const RetentionPolicy& policy);

// "daily", "weekly", "monthly", "manual", "newest", "expired".
std::string_view ReasonName(Reason r);

}  // namespace myvault::ops
