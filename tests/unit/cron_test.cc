// Cron schedules: parse errors with exact messages, next-slot goldens, @every, and a property test
// comparing NextSlot with a brute-force minute-by-minute matcher over three simulated years.
#include "myvault/ops/cron.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

namespace myvault::ops {
namespace {

// "YYYY-mm-dd HH:MM:SS" (UTC) <-> Unix seconds, through libc rather than the code under test.
int64_t At(const std::string& text) {
  std::tm tm{};
  EXPECT_NE(strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm), nullptr) << text;
  return timegm(&tm);
}

std::string Text(std::optional<int64_t> t) {
  if (!t) return "none";
  std::time_t tt = *t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

Schedule MustParse(const std::string& text) {
  Result<Schedule> s = ParseSchedule(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : Schedule{};
}

TEST(CronParse, ErrorsNameFieldAndValue) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"0 24 * * *", "cron field 'hour': 24 is out of range 0-23"},
      {"60 * * * *", "cron field 'minute': 60 is out of range 0-59"},
      {"* * 0 * *", "cron field 'day-of-month': 0 is out of range 1-31"},
      {"* * * 13 *", "cron field 'month': 13 is out of range 1-12"},
      {"* * * * 8", "cron field 'day-of-week': 8 is out of range 0-7"},
      {"* * * FOO *", "cron field 'month': bad value 'FOO'"},
      {"* * * * MON-FOO", "cron field 'day-of-week': bad value 'FOO'"},
      {"* * JAN * *", "cron field 'day-of-month': bad value 'JAN'"},
      {"-1 * * * *", "cron field 'minute': bad value '-1'"},
      {"*/0 * * * *", "cron field 'minute': step 0 in '*/0'"},
      {"*/x * * * *", "cron field 'minute': bad step 'x'"},
      {"5-3 * * * *", "cron field 'minute': range '5-3' is backwards"},
      {"1,,2 * * * *", "cron field 'minute': empty list item in '1,,2'"},
      {"* * * *",
       "expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'"},
      {"  ", "expected 5 fields (minute hour day-of-month month day-of-week), got 0 in ''"},
      {"* * * * * *",
       "expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '* * * * * *'"},
      {"@sometimes", "unknown macro '@sometimes'"},
      {"@daily 5", "unknown macro '@daily 5'"},
      {"@every", "@every: expected one duration, as in '@every 6h'"},
      {"@every x", "@every: bad duration 'x'"},
      {"@every 500ms", "@every: bad duration '500ms'"},
      {"@every 1.5h", "@every: bad duration '1.5h'"},
      {"@every 1h30", "@every: bad duration '1h30'"},
      {"@every 0s", "@every: duration '0s' is below 1s"},
      {"@every 999999999d", "@every: bad duration '999999999d'"},
      {"0 0 30 2 *", "cron '0 0 30 2 *' never fires: no such day in its months"},
      {"0 0 31 4,6,9,11 *", "cron '0 0 31 4,6,9,11 *' never fires: no such day in its months"},
  };
  for (const Case& c : cases) {
    Result<Schedule> s = ParseSchedule(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(s.status().message(), c.message) << c.text;
  }
}

TEST(CronParse, FieldSets) {
  Schedule s = MustParse("*/15 10-20/5 1,15 jan,Jul-sep 5-7");
  EXPECT_EQ(s.minutes, (1ULL << 0) | (1ULL << 15) | (1ULL << 30) | (1ULL << 45));
  EXPECT_EQ(s.hours, (1U << 10) | (1U << 15) | (1U << 20));
  EXPECT_EQ(s.days_of_month, (1U << 1) | (1U << 15));
  EXPECT_EQ(s.months, (1U << 1) | (1U << 7) | (1U << 8) | (1U << 9));
  EXPECT_EQ(s.days_of_week, (1U << 5) | (1U << 6) | (1U << 0));  // 7 is Sunday
  EXPECT_FALSE(s.dom_star);
  EXPECT_FALSE(s.dow_star);

  Schedule all = MustParse("* * * * *");
  EXPECT_EQ(all.days_of_week, 0x7F);
  EXPECT_EQ(all.months, 0x1FFE);
  EXPECT_TRUE(all.dom_star);
  EXPECT_TRUE(all.dow_star);
  EXPECT_EQ(MustParse("5/20 * * * *").minutes, (1ULL << 5) | (1ULL << 25) | (1ULL << 45));
  EXPECT_EQ(MustParse("0 0 * * SUN-sat").days_of_week, 0x7F);
}

TEST(CronParse, Describe) {
  EXPECT_EQ(Describe(MustParse("0  */6 * *\t*")), "cron '0 */6 * * *' (UTC)");
  EXPECT_EQ(Describe(MustParse("@daily")), "cron '@daily' (UTC)");
  EXPECT_EQ(Describe(MustParse("@every 6h")), "every 6h");
  EXPECT_EQ(Describe(MustParse("@every 90m")), "every 1h30m");
  EXPECT_EQ(Describe(MustParse("@every 2d")), "every 48h");
  EXPECT_EQ(Describe(MustParse("@every 4s")), "every 4s");
}

TEST(CronNext, Goldens) {
  struct Case {
    const char* expr;
    const char* after;
    const char* next;
  };
  const Case cases[] = {
      {"0 */6 * * *", "2026-11-26 05:59:59", "2026-11-26 06:00:00"},
      {"0 */6 * * *", "2026-11-26 06:00:00", "2026-11-26 12:00:00"},  // strictly after
      {"0 */6 * * *", "2026-12-31 18:00:00", "2027-01-01 00:00:00"},  // year rollover
      {"* * * * *", "2026-11-26 05:59:30", "2026-11-26 06:00:00"},
      {"30 2 * * *", "2026-01-31 03:00:00", "2026-02-01 02:30:00"},  // month rollover
      {"10-50/10 * * * *", "2026-03-01 10:50:00", "2026-03-01 11:10:00"},
      {"0 0 29 2 *", "2026-03-01 00:00:00", "2028-02-29 00:00:00"},
      {"0 0 29 2 *", "2028-02-29 00:00:00", "2032-02-29 00:00:00"},
      {"0 0 31 * *", "2026-04-01 00:00:00", "2026-05-31 00:00:00"},
      {"0 0 31 * *", "2026-01-31 00:00:00", "2026-03-31 00:00:00"},
      // Both day fields restricted: either matches (2026-01-02 is a Friday, Jan 13 a Tuesday).
      {"0 0 13 * FRI", "2026-01-01 00:00:00", "2026-01-02 00:00:00"},
      {"0 0 13 * FRI", "2026-01-09 00:00:00", "2026-01-13 00:00:00"},
      {"0 0 13 * *", "2026-01-01 00:00:00", "2026-01-13 00:00:00"},
      {"0 0 * * 1", "2026-01-01 00:00:00", "2026-01-05 00:00:00"},
      {"0 0 1-7 * */7", "2026-01-01 00:00:00", "2026-01-02 00:00:00"},  // `*/7` restricts
      {"0 12 * jan,Jul mon-fri", "2026-06-01 00:00:00", "2026-07-01 12:00:00"},
      {"0 0 * * 7", "2026-01-01 00:00:00", "2026-01-04 00:00:00"},
      {"0 0 * * sun", "2026-01-01 00:00:00", "2026-01-04 00:00:00"},
      {"@hourly", "2026-05-05 10:15:00", "2026-05-05 11:00:00"},
      {"@daily", "2026-05-05 10:15:00", "2026-05-06 00:00:00"},
      {"@midnight", "2026-05-05 23:59:59", "2026-05-06 00:00:00"},
      {"@weekly", "2026-01-01 00:00:00", "2026-01-04 00:00:00"},
      {"@monthly", "2026-01-15 00:00:00", "2026-02-01 00:00:00"},
      {"@yearly", "2026-01-01 00:00:00", "2027-01-01 00:00:00"},
      {"@annually", "2026-06-01 00:00:00", "2027-01-01 00:00:00"},
      {"0 0 1 1 *", "1969-12-31 12:00:00", "1970-01-01 00:00:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Text(NextSlot(MustParse(c.expr), At(c.after))), c.next)
        << c.expr << " after " << c.after;
  }
}

TEST(CronNext, NoneWithinFiveYears) {
  // 2100 is not a leap year: after Feb 29 2096 the next one is 2104, eight years away.
  EXPECT_EQ(NextSlot(MustParse("0 0 29 2 *"), At("2096-03-01 00:00:00")), std::nullopt);
  EXPECT_EQ(Text(NextSlot(MustParse("0 0 29 2 *"), At("2095-03-01 00:00:00"))),
            "2096-02-29 00:00:00");
}

TEST(CronEvery, AddsTheInterval) {
  int64_t t = At("2026-11-26 05:59:59");
  EXPECT_EQ(NextSlot(MustParse("@every 6h"), t), t + 6 * 3600);
  EXPECT_EQ(NextSlot(MustParse("@every 90m"), t), t + 5400);
  EXPECT_EQ(NextSlot(MustParse("@every 1h30m"), t), t + 5400);
  EXPECT_EQ(NextSlot(MustParse("@every 4s"), t), t + 4);
  EXPECT_EQ(NextSlot(MustParse("@every 2d"), t), t + 48 * 3600);
  EXPECT_EQ(NextSlot(MustParse("@every 1s"), t), t + 1);
}

// The brute-force reference: libc's calendar and the plain definition of a match.
bool BruteMatches(const Schedule& s, const std::tm& day, int hour, int minute) {
  auto has = [](uint64_t bits, int v) { return ((bits >> v) & 1U) != 0; };
  if (!has(s.minutes, minute) || !has(s.hours, hour) || !has(s.months, day.tm_mon + 1)) {
    return false;
  }
  bool dom = has(s.days_of_month, day.tm_mday);
  bool dow = has(s.days_of_week, day.tm_wday);
  return (!s.dom_star && !s.dow_star) ? (dom || dow) : (dom && dow);
}

TEST(CronProperty, MatchesBruteForceOverThreeYears) {
  const char* exprs[] = {
      "* * * * *",       "*/7 * * * *",     "0 */6 * * *",   "15,45 9-17 * * 1-5",
      "0 0 29 2 *",      "0 0 31 * *",      "30 4 13 * FRI", "0 0 1-7 * SUN",
      "5 5 * FEB,AUG *", "59 23 28-31 * *", "0 12 * * 7",    "10-50/20 1/5 */3 */2 */2",
      "@weekly",         "@monthly"};
  const int64_t start = At("2027-06-01 00:00:00");  // spans Feb 29 2028
  const int64_t end = At("2030-06-01 00:00:00");
  for (const char* expr : exprs) {
    Schedule s = MustParse(expr);
    std::vector<int64_t> matches;
    for (int64_t day = start; day < end; day += 86400) {
      std::time_t tt = day;
      std::tm tm{};
      gmtime_r(&tt, &tm);
      for (int h = 0; h < 24; ++h) {
        for (int m = 0; m < 60; ++m) {
          if (BruteMatches(s, tm, h, m)) matches.push_back(day + h * 3600 + m * 60);
        }
      }
    }
    ASSERT_FALSE(matches.empty()) << expr;
    EXPECT_EQ(NextSlot(s, start - 1), matches.front()) << expr;
    for (size_t i = 0; i + 1 < matches.size(); ++i) {
      ASSERT_EQ(NextSlot(s, matches[i]), matches[i + 1]) << expr << " after " << Text(matches[i]);
      ASSERT_EQ(NextSlot(s, matches[i + 1] - 1), matches[i + 1]) << expr;
    }
    // Arbitrary instants, off the minute grid.
    for (int64_t q = start; q < matches.back(); q += 7919 * 60 + 17) {
      auto next = std::upper_bound(matches.begin(), matches.end(), q);
      ASSERT_EQ(NextSlot(s, q), *next) << expr << " after " << Text(q);
    }
  }
}

}  // namespace
}  // namespace myvault::ops
