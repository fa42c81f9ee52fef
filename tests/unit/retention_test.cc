#include "myvault/ops/retention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace myvault::ops {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kHour = 3600;

int64_t Ts(int y, int mon, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

std::tm Utc(int64_t t) {
  std::tm tm{};
  const time_t tt = t;
  gmtime_r(&tt, &tm);
  return tm;
}

std::string Name(int64_t t, BackupKind kind = BackupKind::kAuto) {
  char buf[32];
  const std::tm tm = Utc(t);
  std::strftime(buf, sizeof buf, "%Y%m%d_%H%M%S", &tm);
  return std::string("myvault-") + (kind == BackupKind::kAuto ? "auto-" : "manual-") + buf;
}

Backup Auto(int64_t t) { return {Name(t), t, BackupKind::kAuto}; }
Backup Manual(int64_t t) { return {Name(t, BackupKind::kManual), t, BackupKind::kManual}; }

// name -> "reason+reason" for every backup, e.g. "daily+newest" or "expired".
std::map<std::string, std::string> ByName(const std::vector<Backup>& b, const RetentionPolicy& p) {
  const std::vector<Decision> ds = ApplyRetention(b, p);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < ds.size(); ++i) {
    EXPECT_EQ(ds[i].index, i);
    std::string s;
    for (Reason r : ds[i].reasons) {
      if (!s.empty()) s += '+';
      s += ReasonName(r);
    }
    EXPECT_EQ(ds[i].keep, s != "expired") << b[i].name;
    out[b[i].name] = s;
  }
  return out;
}

std::vector<Backup> SeedSchedule() {  // every 6 h at 00/06/12/18 UTC, 2024-01-01 .. 2025-12-31
  std::vector<Backup> out;
  for (int64_t t = Ts(2024, 1, 1); t <= Ts(2025, 12, 31, 18); t += 6 * kHour)
    out.push_back(Auto(t));
  return out;
}

TEST(RetentionTest, SeedScheduleGolden) {
  const std::vector<Backup> backups = SeedSchedule();
  ASSERT_EQ(backups.size(), 731u * 4);
  std::map<std::string, std::string> expected;
  for (int64_t t = Ts(2025, 12, 25); t <= Ts(2025, 12, 31, 18); t += 6 * kHour) {
    expected[Name(t)] = "daily";  // 7 days * 4 = 28
  }
  expected[Name(Ts(2025, 12, 31, 18))] = "daily+newest";
  expected[Name(Ts(2025, 12, 28))] = "daily+weekly";  // Sunday of the newest week
  for (int d : {7, 14, 21}) expected[Name(Ts(2025, 12, d))] = "weekly";  // Sundays
  for (int m = 1; m <= 12; ++m) expected[Name(Ts(2025, m, 1))] = "monthly";
  ASSERT_EQ(expected.size(), 28u + 3 + 12);

  std::map<std::string, std::string> kept;
  for (const auto& [name, why] : ByName(backups, RetentionPolicy{})) {
    if (why != "expired") kept[name] = why;
  }
  EXPECT_EQ(kept, expected);
  const auto all = ByName(backups, RetentionPolicy{});       // spot checks of removed ones
  EXPECT_EQ(all.at(Name(Ts(2025, 12, 24, 18))), "expired");  // exactly 7 days before newest
  EXPECT_EQ(all.at(Name(Ts(2025, 11, 30))), "expired");      // a 5th week back
  EXPECT_EQ(all.at(Name(Ts(2024, 12, 1))), "expired");       // a 13th month back
}

TEST(RetentionTest, UnsortedInputGivesTheSameDecisionsInInputOrder) {
  std::vector<Backup> backups = SeedSchedule();
  const auto sorted = ByName(backups, RetentionPolicy{});
  std::mt19937 rng(7);
  std::shuffle(backups.begin(), backups.end(), rng);
  EXPECT_EQ(ByName(backups, RetentionPolicy{}), sorted);  // ByName also checks index == position
}

TEST(RetentionTest, DailyBoundaryIsStrictlyNewerThanNewestMinusDays) {
  const int64_t n = Ts(2025, 6, 18, 12);
  const std::vector<Backup> b = {Auto(n), Auto(n - 3 * kDay), Auto(n - 3 * kDay + 1)};
  const auto r = ByName(b, {.daily = 3, .weekly = 0, .monthly = 0});
  EXPECT_EQ(r.at(b[0].name), "daily+newest");
  EXPECT_EQ(r.at(b[1].name), "expired");
  EXPECT_EQ(r.at(b[2].name), "daily");
}

TEST(RetentionTest, WeekStartsSundayMidnightUtc) {
  const int64_t sun = Ts(2025, 12, 7);  // a Sunday
  const std::vector<Backup> b = {Auto(sun - 1), Auto(sun), Auto(sun + 1), Auto(sun + 3 * kDay)};
  auto r = ByName(b, {.daily = 0, .weekly = 1, .monthly = 0});
  EXPECT_EQ(r.at(b[0].name), "expired");  // Saturday 23:59:59: the previous week
  EXPECT_EQ(r.at(b[1].name), "weekly");
  EXPECT_EQ(r.at(b[2].name), "expired");
  EXPECT_EQ(r.at(b[3].name), "newest");
  r = ByName(b, {.daily = 0, .weekly = 2, .monthly = 0});
  EXPECT_EQ(r.at(b[0].name), "weekly");
}

TEST(RetentionTest, MonthBoundariesLeapDayAndYearEnd) {
  const std::vector<Backup> b = {Auto(Ts(2023, 12, 31, 23, 59, 59)), Auto(Ts(2024, 1, 1)),
                                 Auto(Ts(2024, 2, 29, 23, 59, 59)), Auto(Ts(2024, 3, 1)),
                                 Auto(Ts(2024, 3, 1, 0, 0, 1))};
  auto r = ByName(b, {.daily = 0, .weekly = 0, .monthly = 2});
  EXPECT_EQ(r.at(b[0].name), "expired");
  EXPECT_EQ(r.at(b[1].name), "expired");
  EXPECT_EQ(r.at(b[2].name), "monthly");
  EXPECT_EQ(r.at(b[3].name), "monthly");
  EXPECT_EQ(r.at(b[4].name), "newest");
  r = ByName(b, {.daily = 0, .weekly = 0, .monthly = 4});  // only months that have a backup count
  EXPECT_EQ(r.at(b[0].name), "monthly");
  EXPECT_EQ(r.at(b[1].name), "monthly");
}

TEST(RetentionTest, EqualTimesAreOrderedByName) {
  const int64_t t = Ts(2025, 3, 2);  // a Sunday
  const std::vector<Backup> b = {{"b", t, BackupKind::kAuto}, {"a", t, BackupKind::kAuto}};
  const auto r = ByName(b, {.daily = 0, .weekly = 1, .monthly = 0});
  EXPECT_EQ(r.at("a"), "weekly");
  EXPECT_EQ(r.at("b"), "newest");
}

TEST(RetentionTest, ManualBackupsKeptUnlessManualDaysFromNewestOfAnyKind) {
  const int64_t n = Ts(2025, 6, 1);
  const std::vector<Backup> b = {Auto(n), Manual(n - 400 * kDay), Manual(n + 10 * kDay),
                                 Manual(n + 10 * kDay - 30 * kDay),
                                 Manual(n + 10 * kDay - 30 * kDay - 1)};
  auto r = ByName(b, RetentionPolicy{});
  for (const Backup& x : b) EXPECT_NE(r.at(x.name), "expired") << x.name;
  EXPECT_EQ(r.at(b[0].name), "daily+weekly+monthly+newest");  // a manual is not the newest auto
  r = ByName(b, {.manual_days = 30});
  EXPECT_EQ(r.at(b[1].name), "expired");
  EXPECT_EQ(r.at(b[2].name), "manual");
  EXPECT_EQ(r.at(b[3].name), "manual");  // exactly at the cutoff: kept
  EXPECT_EQ(r.at(b[4].name), "expired");
}

TEST(RetentionTest, NoAutoBackupsAndEmptyInput) {
  EXPECT_TRUE(ApplyRetention({}, RetentionPolicy{}).empty());
  const std::vector<Backup> b = {Manual(Ts(2020, 1, 1)), Manual(Ts(2021, 1, 1))};
  auto r = ByName(b, {.daily = 0, .weekly = 0, .monthly = 0});
  EXPECT_EQ(r.at(b[0].name), "manual");
  r = ByName(b, {.manual_days = 0});
  EXPECT_EQ(r.at(b[0].name), "expired");
  EXPECT_EQ(r.at(b[1].name), "manual");
}

TEST(RetentionTest, ValidateRejectsNegativeCounts) {
  EXPECT_TRUE(RetentionPolicy{}.Validate().ok());
  EXPECT_TRUE(RetentionPolicy{.manual_days = -5}.Validate().ok());
  for (const auto& [p, flag] :
       std::vector<std::pair<RetentionPolicy, std::string>>{{{.daily = -1}, "--daily"},
                                                            {{.weekly = -1}, "--weekly"},
                                                            {{.monthly = -2}, "--monthly"}}) {
    const Status s = p.Validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(flag), std::string::npos) << s.message();
  }
}

TEST(RetentionTest, ReasonNames) {
  EXPECT_EQ(ReasonName(Reason::kDaily), "daily");
  EXPECT_EQ(ReasonName(Reason::kWeekly), "weekly");
  EXPECT_EQ(ReasonName(Reason::kMonthly), "monthly");
  EXPECT_EQ(ReasonName(Reason::kManual), "manual");
  EXPECT_EQ(ReasonName(Reason::kNewest), "newest");
  EXPECT_EQ(ReasonName(Reason::kExpired), "expired");
}

// ---- Properties over years of simulated time ----

// Straightforward reimplementation: sort with a std::map, bucket with gmtime_r into std::maps.
int64_t WeekStart(int64_t t) {
  const std::tm tm = Utc(t);
  return t - (tm.tm_wday * kDay + tm.tm_hour * kHour + tm.tm_min * 60 + tm.tm_sec);
}
int64_t MonthOf(int64_t t) {
  const std::tm tm = Utc(t);
  return int64_t{tm.tm_year} * 12 + tm.tm_mon;
}

std::vector<std::set<Reason>> Reference(const std::vector<Backup>& b, const RetentionPolicy& p) {
  std::map<std::tuple<int64_t, std::string, size_t>, size_t> autos;
  int64_t newest_any = INT64_MIN;
  for (size_t i = 0; i < b.size(); ++i) {
    newest_any = std::max(newest_any, b[i].time);
    if (b[i].kind == BackupKind::kAuto) autos[{b[i].time, b[i].name, i}] = i;
  }
  std::vector<std::set<Reason>> out(b.size());
  std::map<int64_t, size_t> weeks, months;  // bucket -> earliest auto
  for (const auto& [key, i] : autos) {
    weeks.emplace(WeekStart(b[i].time), i);
    months.emplace(MonthOf(b[i].time), i);
  }
  if (!autos.empty()) {
    const size_t newest = autos.rbegin()->second;
    out[newest].insert(Reason::kNewest);
    for (const auto& [key, i] : autos) {
      if (b[i].time > b[newest].time - p.daily * kDay) out[i].insert(Reason::kDaily);
    }
  }
  int n = 0;
  for (auto it = weeks.rbegin(); it != weeks.rend() && n < p.weekly; ++it, ++n) {
    out[it->second].insert(Reason::kWeekly);
  }
  n = 0;
  for (auto it = months.rbegin(); it != months.rend() && n < p.monthly; ++it, ++n) {
    out[it->second].insert(Reason::kMonthly);
  }
  for (size_t i = 0; i < b.size(); ++i) {
    const bool old = p.manual_days >= 0 && b[i].time < newest_any - p.manual_days * kDay;
    if (b[i].kind == BackupKind::kManual && !old) out[i].insert(Reason::kManual);
  }
  return out;
}

// A 6-hourly schedule with missed runs, outages, clock jumps back, duplicates and manual runs.
std::vector<Backup> Simulate(std::mt19937& rng, int years) {
  std::vector<Backup> out;
  auto pct = [&] { return std::uniform_int_distribution<int>(0, 99)(rng); };
  auto add = [&](int64_t t, BackupKind k) {
    out.push_back({Name(t, k) + "-" + std::to_string(out.size()), t, k});
  };
  const int64_t start = Ts(2019, 1, 1) + std::uniform_int_distribution<int64_t>(0, 400)(rng) * kDay;
  for (int64_t t = start; t < start + years * 365 * kDay; t += 6 * kHour) {
    const int r = pct();
    if (r < 10) continue;                                                        // missed run
    if (r < 12) t += std::uniform_int_distribution<int64_t>(1, 40)(rng) * kDay;  // outage
    add(t, BackupKind::kAuto);
    if (pct() < 2)
      add(t - std::uniform_int_distribution<int64_t>(0, 3 * kDay)(rng), BackupKind::kAuto);
    if (pct() < 1) add(t, BackupKind::kAuto);  // duplicate timestamp
    if (pct() < 2)
      add(t + std::uniform_int_distribution<int64_t>(0, 6 * kHour)(rng), BackupKind::kManual);
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST(RetentionPropertyTest, MatchesReferenceNewestKeptIdempotentAndStableUnderOlderBackups) {
  int taken_over = 0;  // removals caused by the added older backup: the path must be exercised
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    const RetentionPolicy p{std::uniform_int_distribution<int>(0, 10)(rng),
                            std::uniform_int_distribution<int>(0, 8)(rng),
                            std::uniform_int_distribution<int>(0, 24)(rng),
                            std::uniform_int_distribution<int>(-1, 60)(rng)};
    std::vector<Backup> b = Simulate(rng, 1 + static_cast<int>(seed % 3));
    const std::vector<Decision> ds = ApplyRetention(b, p);
    const std::vector<std::set<Reason>> ref = Reference(b, p);
    ASSERT_EQ(ds.size(), b.size());
    std::vector<Backup> survivors;
    size_t newest = b.size();
    int64_t oldest_auto = INT64_MAX;
    for (size_t i = 0; i < b.size(); ++i) {
      ASSERT_EQ(ds[i].index, i);
      const std::set<Reason> got(ds[i].reasons.begin(), ds[i].reasons.end());
      ASSERT_EQ(got, ref[i].empty() ? std::set<Reason>{Reason::kExpired} : ref[i]) << b[i].name;
      if (ds[i].keep) survivors.push_back(b[i]);
      if (ref[i].count(Reason::kNewest) != 0) newest = i;
      if (b[i].kind == BackupKind::kAuto) oldest_auto = std::min(oldest_auto, b[i].time);
    }
    ASSERT_LT(newest, b.size());
    EXPECT_TRUE(ds[newest].keep);

    for (const Decision& d : ApplyRetention(survivors, p)) {
      EXPECT_TRUE(d.keep) << "not idempotent: " << survivors[d.index].name;
    }

    const int64_t older = oldest_auto - std::uniform_int_distribution<int64_t>(1, 60 * kDay)(rng);
    b.push_back({"added-older", older, BackupKind::kAuto});
    const std::vector<Decision> after = ApplyRetention(b, p);
    for (size_t i = 0; i + 1 < b.size(); ++i) {
      const bool daily_before =
          std::count(ds[i].reasons.begin(), ds[i].reasons.end(), Reason::kDaily);
      const bool daily_after =
          std::count(after[i].reasons.begin(), after[i].reasons.end(), Reason::kDaily);
      EXPECT_EQ(daily_before, daily_after) << b[i].name;
      if (ds[i].keep && !after[i].keep) {  // only a bucket taken over by the added backup
        EXPECT_TRUE(WeekStart(b[i].time) == WeekStart(older) ||
                    MonthOf(b[i].time) == MonthOf(older));
        EXPECT_TRUE(after.back().keep);
        ++taken_over;
      }
    }
  }
  EXPECT_GT(taken_over, 0);
}

}  // namespace
}  // namespace myvault::ops
