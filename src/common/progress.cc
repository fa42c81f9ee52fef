#include "myvault/common/progress.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "myvault/common/clock.h"

namespace myvault {
ProgressReporter::ProgressReporter(ProgressMode mode, const ProgressCounters* counters)
    : mode_(mode),
      counters_(counters),
      log_("myvault", std::make_shared<spdlog::sinks::stderr_sink_mt>()) {
  log_.set_pattern("%Y-%m-%dT%H:%M:%S%z myvault: %^%v%$");
  if (mode_ == ProgressMode::kAuto)
    mode_ = isatty(STDERR_FILENO) ? ProgressMode::kBar : ProgressMode::kLines;
  start_ = MonotonicSeconds();
}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Start() {
  start_ = MonotonicSeconds();
  if (mode_ == ProgressMode::kQuiet || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ProgressReporter::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  if (mode_ == ProgressMode::kBar && bar_drawn_) {
    std::fprintf(stderr, "\r%s\n", Line(MonotonicSeconds() - start_, true).c_str());
  }
}

void ProgressReporter::Loop() {
  const double interval = mode_ == ProgressMode::kBar ? 0.25 : 10.0;
  std::unique_lock<std::mutex> l(mu_);
  while (!cv_.wait_for(l, std::chrono::duration<double>(interval), [this] { return stop_; })) {
    std::string line = Line(MonotonicSeconds() - start_, mode_ == ProgressMode::kBar);
    if (mode_ == ProgressMode::kBar) {
      std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
      bar_drawn_ = true;
    } else {
      log_.info("progress: {}", line);
    }
    std::fflush(stderr);
  }
}

void ProgressReporter::Event(const std::string& message) {
  if (mode_ == ProgressMode::kQuiet) return;
  std::lock_guard<std::mutex> l(mu_);
  if (mode_ == ProgressMode::kLines) {
    log_.info("{}", message);
    return;
  }
  std::fprintf(stderr, "%smyvault: %s\n", bar_drawn_ ? "\r\x1b[K" : "", message.c_str());
}

void ProgressReporter::Warn(const std::string& message) {
  if (mode_ == ProgressMode::kQuiet) return;  // --quiet: errors only
  std::lock_guard<std::mutex> l(mu_);
  if (mode_ == ProgressMode::kLines) {
    log_.warn("warning: {}", message);
    return;
  }
  std::fprintf(stderr, "%smyvault: warning: %s\n", bar_drawn_ ? "\r\x1b[K" : "", message.c_str());
}

std::string ProgressReporter::Line(double elapsed, bool bar) const {
  const ProgressCounters& c = *counters_;
  uint64_t rows = c.rows.load(std::memory_order_relaxed);
  uint64_t est = c.rows_estimate.load(std::memory_order_relaxed);
  uint64_t total = c.bytes_total.load(std::memory_order_relaxed);
  uint64_t written = c.written_bytes.load(std::memory_order_relaxed);
  double raw = static_cast<double>(c.raw_bytes.load(std::memory_order_relaxed));
  double frac = total > 0 ? raw / static_cast<double>(total)
                : est > 0 ? static_cast<double>(rows) / static_cast<double>(est)
                          : 0;
  frac = std::min(1.0, frac);
  double rate = elapsed > 0 ? raw / elapsed : 0;
  std::string eta = frac > 0.01 && frac < 1 ? HumanDuration(elapsed / frac - elapsed) : "-";
  // A dump shows SQL -> archive bytes; a restore, SQL loaded of the total.
  std::string bytes = HumanBytes(raw) + " SQL";
  if (written > 0) bytes += " -> " + HumanBytes(static_cast<double>(written));
  if (total > 0) bytes += " of " + HumanBytes(static_cast<double>(total));
  char buf[256];
  std::snprintf(buf, sizeof buf, "%3.0f%% %s, %llu rows, %llu/%llu tables, %s/s, ETA %s",
                frac * 100, bytes.c_str(), static_cast<unsigned long long>(rows),
                static_cast<unsigned long long>(c.tables_done.load()),
                static_cast<unsigned long long>(c.tables_total.load()), HumanBytes(rate).c_str(),
                eta.c_str());
  if (!bar) return buf;
  int filled = static_cast<int>(frac * 24);
  std::string out = "[";
  out.append(static_cast<size_t>(filled), '#');
  out.append(static_cast<size_t>(24 - filled), '.');
  out += "] ";
  out += buf;
  return out;
}

std::string ProgressReporter::GroupThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

std::string ProgressReporter::HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

std::string ProgressReporter::HumanDuration(double s) {
  long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

}  // namespace myvault
