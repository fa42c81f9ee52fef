// Clock: the one monotonic time source for durations (phase times, lock hold times, progress),
// and the wall-clock time as text for headers (and back). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace myvault {

// Seconds on the steady clock, from an unspecified epoch: only differences mean anything.
inline double MonotonicSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// The current wall-clock time formatted by strftime(3), in UTC or the local time zone.
inline std::string WallClockText(const char* strftime_format, bool utc) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, strftime_format, &tm);
  return std::string(buf, n);
}

// "2026-11-26T06:00:00Z" (the archive index's start_time/end_time) -> Unix seconds; nullopt for
// any other text.
inline std::optional<int64_t> ParseIsoUtc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace myvault
