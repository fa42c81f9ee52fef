#include "myvault/ops/cron.h"

#include <array>
#include <bit>
#include <cctype>
#include <limits>
#include <vector>

namespace myvault::ops {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;  // the largest value accepted in text (7 for day-of-week)
  const std::array<const char*, 12>* names;  // names[i] = value min + i, or nullptr
};

const std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const std::array<const char*, 12> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

const std::array<FieldSpec, 5> kFields = {{{"minute", 0, 59, nullptr},
                                           {"hour", 0, 23, nullptr},
                                           {"day-of-month", 1, 31, nullptr},
                                           {"month", 1, 12, &kMonthNames},
                                           {"day-of-week", 0, 7, &kDayNames}}};

Status FieldError(const FieldSpec& f, const std::string& what) {
  return InvalidArgument("cron field '" + std::string(f.name) + "': " + what);
}

bool IsDigits(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// One value of a field: a number in range or (for month/day-of-week) a name.
Result<int> ParseValue(const FieldSpec& f, std::string_view text) {
  if (IsDigits(text)) {
    int v = ToInt(text);
    if (v < f.min || v > f.max) {
      return FieldError(f, std::string(text) + " is out of range " + std::to_string(f.min) + "-" +
                               std::to_string(f.max));
    }
    return v;
  }
  if (f.names != nullptr) {
    for (size_t i = 0; i < f.names->size() && (*f.names)[i] != nullptr; ++i) {
      if (EqualsIgnoreCase(text, (*f.names)[i])) return f.min + static_cast<int>(i);
    }
  }
  return FieldError(f, "bad value '" + std::string(text) + "'");
}

// One comma-separated item: `*`, `N`, `A-B`, each with an optional `/S`. Returns its bits.
Result<uint64_t> ParseItem(const FieldSpec& f, std::string_view item) {
  std::string_view range = item;
  int step = 1;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    std::string_view step_text = item.substr(slash + 1);
    if (!IsDigits(step_text)) return FieldError(f, "bad step '" + std::string(step_text) + "'");
    step = ToInt(step_text);
    if (step < 1) return FieldError(f, "step 0 in '" + std::string(item) + "'");
  }
  int lo = f.min;
  int hi = f.max == 7 ? 6 : f.max;  // `*` in day-of-week is 0-6: Sunday once
  if (range != "*") {
    size_t dash = range.find('-');
    if (dash == 0 || dash + 1 == range.size()) {
      return FieldError(f, "bad value '" + std::string(range) + "'");
    }
    ASSIGN_OR_RETURN(lo, ParseValue(f, range.substr(0, dash)));
    if (dash != std::string_view::npos) {
      ASSIGN_OR_RETURN(hi, ParseValue(f, range.substr(dash + 1)));
      if (hi < lo) return FieldError(f, "range '" + std::string(range) + "' is backwards");
    } else if (step == 1) {
      hi = lo;  // a single value; `N/S` keeps hi = max
    }
  }
  uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step) bits |= uint64_t{1} << (v == 7 && f.max == 7 ? 0 : v);
  return bits;
}

Result<uint64_t> ParseField(const FieldSpec& f, std::string_view text) {
  uint64_t bits = 0;
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) return FieldError(f, "empty list item in '" + std::string(text) + "'");
    ASSIGN_OR_RETURN(uint64_t b, ParseItem(f, item));
    bits |= b;
    if (comma == std::string_view::npos) return bits;
    start = comma + 1;
  }
}

std::vector<std::string_view> SplitBlanks(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// How far NextSlot looks ahead: five years, leap days included.
constexpr int64_t kHorizonDays = int64_t{5} * 366;
constexpr int64_t kMaxEvery = int64_t{100} * 366 * 86400;  // longer is surely a typo

std::string_view MacroExpansion(std::string_view macro) {
  if (macro == "@yearly" || macro == "@annually") return "0 0 1 1 *";
  if (macro == "@monthly") return "0 0 1 * *";
  if (macro == "@weekly") return "0 0 * * 0";
  if (macro == "@daily" || macro == "@midnight") return "0 0 * * *";
  if (macro == "@hourly") return "0 * * * *";
  return {};
}

// Days in each month of a leap year: the most a day-of-month can reach in that month.
constexpr std::array<int, 13> kMaxDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, UTC).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

bool DayMatches(const Schedule& s, int day, int weekday) {
  bool dom = ((s.days_of_month >> day) & 1U) != 0;
  bool dow = ((s.days_of_week >> weekday) & 1U) != 0;
  if (!s.dom_star && !s.dow_star) return dom || dow;
  return dom && dow;
}

// The lowest set bit of `bits` at or above `from`, or -1.
int NextBit(uint64_t bits, int from) {
  if (from >= 64) return -1;
  uint64_t rest = bits & (~uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  auto bad = [&] { return InvalidArgument("bad duration '" + std::string(text) + "'"); };
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) ++i;
    if (i == start || i - start > 9 || i == text.size()) return bad();
    int64_t n = ToInt(text.substr(start, i - start));
    int64_t unit = 0;
    switch (text[i++]) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return bad();
    }
    if (i < text.size() && text[i] == 's' && unit == 60) return bad();  // "ms": below 1s
    total += n * unit;
    if (total > kMaxEvery) return bad();
  }
  if (total < 1) return InvalidArgument("duration '" + std::string(text) + "' is below 1s");
  return total;
}

std::string FormatDuration(int64_t seconds) {
  std::string out;
  for (auto [unit, suffix] : {std::pair<int64_t, char>{3600, 'h'}, {60, 'm'}, {1, 's'}}) {
    if (seconds >= unit) out += std::to_string(seconds / unit) + suffix;
    seconds %= unit;
  }
  return out.empty() ? "0s" : out;
}

Result<Schedule> ParseSchedule(std::string_view text) {
  std::vector<std::string_view> words = SplitBlanks(text);
  Schedule s;
  for (std::string_view w : words) {
    if (!s.text.empty()) s.text += ' ';
    s.text.append(w);
  }
  if (!words.empty() && words[0] == "@every") {
    if (words.size() != 2)
      return InvalidArgument("@every: expected one duration, as in '@every 6h'");
    auto every = ParseDuration(words[1]);
    if (!every.ok()) return InvalidArgument("@every: " + every.status().message());
    s.every_seconds = *every;
    return s;
  }
  if (!words.empty() && words[0].starts_with('@')) {
    std::string_view expansion = MacroExpansion(words[0]);
    if (expansion.empty() || words.size() != 1) {
      return InvalidArgument("unknown macro '" + s.text + "'");
    }
    words = SplitBlanks(expansion);
  }
  if (words.size() != 5) {
    return InvalidArgument("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                           std::to_string(words.size()) + " in '" + s.text + "'");
  }
  std::array<uint64_t, 5> bits{};
  for (size_t i = 0; i < 5; ++i) {
    ASSIGN_OR_RETURN(bits[i], ParseField(kFields[i], words[i]));
  }
  s.minutes = bits[0];
  s.hours = static_cast<uint32_t>(bits[1]);
  s.days_of_month = static_cast<uint32_t>(bits[2]);
  s.months = static_cast<uint16_t>(bits[3]);
  s.days_of_week = static_cast<uint8_t>(bits[4]);
  s.dom_star = words[2] == "*";
  s.dow_star = words[4] == "*";
  if (s.dow_star) {  // only the day of month decides: some named month must have such a day
    bool possible = false;
    for (int m = 1; m <= 12; ++m) {
      uint32_t reachable = (uint32_t{1} << (kMaxDays[m] + 1)) - 2;  // bits 1..max
      if (((s.months >> m) & 1U) != 0 && (s.days_of_month & reachable) != 0) possible = true;
    }
    if (!possible)
      return InvalidArgument("cron '" + s.text + "' never fires: no such day in its months");
  }
  return s;
}

std::optional<int64_t> NextSlot(const Schedule& s, int64_t after) {
  constexpr int64_t kLimit = int64_t{1} << 40;  // ~34,000 years either side of 1970
  if (s.every_seconds > 0) {
    if (after > std::numeric_limits<int64_t>::max() - s.every_seconds) return std::nullopt;
    return after + s.every_seconds;
  }
  if (after > kLimit || after < -kLimit) return std::nullopt;
  int64_t t = (FloorDiv(after, 60) + 1) * 60;  // the next whole minute
  int64_t day = FloorDiv(t, 86400);
  int64_t last_day = day + kHorizonDays;
  int hour = static_cast<int>((t - day * 86400) / 3600);
  int minute = static_cast<int>((t - day * 86400) % 3600 / 60);
  while (day <= last_day) {
    Civil c = CivilFromDays(day);
    if (((s.months >> c.month) & 1U) == 0) {  // skip to the first of the next month
      day = c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1) : DaysFromCivil(c.year, c.month + 1, 1);
      hour = minute = 0;
      continue;
    }
    int weekday = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    if (DayMatches(s, c.day, weekday)) {
      for (int h = NextBit(s.hours, hour); h >= 0; h = NextBit(s.hours, h + 1)) {
        int m = NextBit(s.minutes, h == hour ? minute : 0);
        if (m >= 0) return day * 86400 + int64_t{h} * 3600 + int64_t{m} * 60;
      }
    }
    ++day;
    hour = minute = 0;
  }
  return std::nullopt;
}

std::string Describe(const Schedule& s) {
  if (s.every_seconds > 0) return "every " + FormatDuration(s.every_seconds);
  return "cron '" + s.text + "' (UTC)";
}

}  // namespace myvault::ops
