#include "myvault/ops/retention.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace myvault::ops {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// reference - days*86400, saturating at the int64 minimum (days >= 0).
int64_t CutoffBefore(int64_t reference, int64_t days) {
  const int64_t span = days * kSecondsPerDay;  // days <= INT_MAX: no overflow
  if (reference < std::numeric_limits<int64_t>::min() + span) {
    return std::numeric_limits<int64_t>::min();
  }
  return reference - span;
}

// Weeks since the Sunday 1969-12-28 (day -4, the epoch was a Thursday).
int64_t WeekKey(int64_t time) { return FloorDiv(FloorDiv(time, kSecondsPerDay) + 4, 7); }

// year*12 + month0 of the UTC calendar month (Howard Hinnant's civil_from_days).
int64_t MonthKey(int64_t time) {
  const int64_t z = FloorDiv(time, kSecondsPerDay) + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;  // 1..12
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + (month - 1);
}

// Marks `reason` on the earliest auto backup of each of the `count` most recent buckets that
// hold one. `autos` is sorted oldest first.
template <typename KeyFn>
void KeepEarliestPerBucket(const std::vector<size_t>& autos, const std::vector<Backup>& backups,
                           int count, KeyFn key_of, Reason reason,
                           std::vector<std::vector<Reason>>& reasons) {
  int taken = 0;
  size_t end = autos.size();  // buckets are walked newest first: [begin, end) is one bucket
  while (end > 0 && taken < count) {
    const int64_t key = key_of(backups[autos[end - 1]].time);
    size_t begin = end - 1;
    while (begin > 0 && key_of(backups[autos[begin - 1]].time) == key) --begin;
    reasons[autos[begin]].push_back(reason);
    ++taken;
    end = begin;
  }
}

}  // namespace

Status RetentionPolicy::Validate() const {
  if (daily < 0) return InvalidArgument("--daily must be >= 0, got " + std::to_string(daily));
  if (weekly < 0) return InvalidArgument("--weekly must be >= 0, got " + std::to_string(weekly));
  if (monthly < 0) {
    return InvalidArgument("--monthly must be >= 0, got " + std::to_string(monthly));
  }
  return Status::Ok();
}

std::vector<Decision> ApplyRetention(const std::vector<Backup>& backups,
                                     const RetentionPolicy& policy) {
  std::vector<size_t> order(backups.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (backups[a].time != backups[b].time) return backups[a].time < backups[b].time;
    if (backups[a].name != backups[b].name) return backups[a].name < backups[b].name;
    return a < b;
  });
  std::vector<size_t> autos;
  std::vector<size_t> manuals;
  for (size_t i : order) {
    (backups[i].kind == BackupKind::kAuto ? autos : manuals).push_back(i);
  }

  // Collected per class, then emitted in enum order.
  std::vector<std::vector<Reason>> reasons(backups.size());
  if (!autos.empty()) {
    const int64_t newest = backups[autos.back()].time;
    const int64_t daily_cutoff = CutoffBefore(newest, std::max(policy.daily, 0));
    for (size_t i : autos) {
      if (backups[i].time > daily_cutoff) reasons[i].push_back(Reason::kDaily);
    }
    KeepEarliestPerBucket(autos, backups, policy.weekly, WeekKey, Reason::kWeekly, reasons);
    KeepEarliestPerBucket(autos, backups, policy.monthly, MonthKey, Reason::kMonthly, reasons);
    reasons[autos.back()].push_back(Reason::kNewest);
  }
  if (!manuals.empty()) {
    const int64_t newest_any = backups[order.back()].time;
    const int64_t manual_cutoff = policy.manual_days < 0
                                      ? std::numeric_limits<int64_t>::min()
                                      : CutoffBefore(newest_any, policy.manual_days);
    for (size_t i : manuals) {
      if (backups[i].time >= manual_cutoff) reasons[i].push_back(Reason::kManual);
    }
  }

  std::vector<Decision> decisions(backups.size());
  for (size_t i = 0; i < backups.size(); ++i) {
    Decision& d = decisions[i];
    d.index = i;
    d.reasons = std::move(reasons[i]);
    std::sort(d.reasons.begin(), d.reasons.end());
    d.keep = !d.reasons.empty();
    if (!d.keep) d.reasons.push_back(Reason::kExpired);
  }
  return decisions;
}

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kDaily: return "daily";
    case Reason::kWeekly: return "weekly";
    case Reason::kMonthly: return "monthly";
    case Reason::kManual: return "manual";
    case Reason::kNewest: return "newest";
    case Reason::kExpired: return "expired";
  }
  return "unknown";
}

}  // namespace myvault::ops
