// Cron schedules for `myvault daemon --schedule`: parsing, the next slot after a time, and a
// one-line description for logs. Pure logic: no clock, no files, no time zone database; every
// time is Unix seconds and every calendar field is evaluated in UTC.
//
// Accepted text:
//   - five fields "minute hour day-of-month month day-of-week" separated by blanks, each a
//     comma-separated list of `*`, `N`, `A-B`, with an optional step `/S` (`*/15`, `10-50/10`,
//     `5/20` = `5-59/20`). Months may be named JAN-DEC and weekdays SUN-SAT (case-insensitive);
//     weekday 7 is Sunday like 0. When both day-of-month and day-of-week are restricted (neither
//     is exactly `*`), a day matches if EITHER matches (Vixie cron); otherwise both must match.
//   - the macros @yearly @annually @monthly @weekly @daily @midnight @hourly.
//   - `@every <duration>`: Go-style whole-unit durations (`6h`, `90m`, `1h30m`, `4s`, `2d` = 48h),
//     at least 1s. Such a schedule has no calendar: its next slot is `after + interval`, where the
//     daemon passes the previous slot's time.
// A five-field schedule that can never fire (`0 0 30 2 *`) is rejected when parsed.
//
// Thread safety: Schedule is a plain value; all functions are pure and safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "myvault/status.h"

namespace myvault::ops {

struct Schedule {
  std::string text;           // the expression as given, blanks collapsed (for Describe)
  int64_t every_seconds = 0;  // > 0: an `@every` schedule; the bit sets below are then unused
  // Bit i set = value i allowed.
  uint64_t minutes = 0;        // bits 0-59
  uint32_t hours = 0;          // bits 0-23
  uint32_t days_of_month = 0;  // bits 1-31
  uint16_t months = 0;         // bits 1-12
  uint8_t days_of_week = 0;    // bits 0-6, 0 = Sunday
  bool dom_star = true;        // day-of-month field was exactly `*`
  bool dow_star = true;        // day-of-week field was exactly `*`
};

// Parses `text`; errors are InvalidArgument naming the field and the value, e.g.
// "cron field 'hour': 24 is out of range 0-23".
Result<Schedule> ParseSchedule(std::string_view text);

// The first slot strictly after `after` (Unix seconds, UTC), or nullopt if there is none within
// about five years (e.g. a Feb 29 schedule across 2100, which is not a leap year).
std::optional<int64_t> NextSlot(const Schedule& s, int64_t after);

// A Go-style duration of whole units d/h/m/s ("6h", "90m", "1h30m", "4s", "2d" = 48h), from 1s
// to 100 years: the `@every` argument, also used by status/monitor --max-age and --every.
// InvalidArgument "bad duration 'X'" or "duration '0s' is below 1s".
Result<int64_t> ParseDuration(std::string_view text);

// "1h30m", "7h", "45s" ("0s" for 0); days are shown as hours ("48h").
std::string FormatDuration(int64_t seconds);

// For logs: "cron '0 */6 * * *' (UTC)" or "every 1h30m".
std::string Describe(const Schedule& s);

}  // namespace myvault::ops
