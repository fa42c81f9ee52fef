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
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = false;
    bar_drawn_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void ProgressReporter::Track(const ProgressCounters* counters, const std::string& phase) {
  std::lock_guard<std::mutex> l(mu_);
  counters_ = counters;
  phase_ = phase;
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

namespace {

// ", ETA 1:23", or "" while an estimate would mean nothing.
std::string Eta(double frac, double elapsed) {
  if (frac <= 0.01 || frac >= 1 || elapsed < 1) return "";
  return ", ETA " + ProgressReporter::HumanDuration(elapsed / frac - elapsed);
}

std::string Bar(double frac, const std::string& text) {
  const int filled = static_cast<int>(std::clamp(frac, 0.0, 1.0) * 24);
  std::string out = "[";
  out.append(static_cast<size_t>(filled), '#');
  out.append(static_cast<size_t>(24 - filled), '.');
  return out + "] " + text;
}

// "verify: 45% 700.0 MiB of 1.5 GiB, 310.2 MiB/s, ETA 0:03"; "indexes: 3/8 tables, ETA 1:10".
std::string PhaseLine(const ProgressCounters& c, const std::string& phase, double elapsed,
                      double* frac) {
  const uint64_t total = c.bytes_total.load(std::memory_order_relaxed);
  char buf[256];
  if (total > 0) {
    const double done = static_cast<double>(c.raw_bytes.load(std::memory_order_relaxed));
    *frac = std::min(1.0, done / static_cast<double>(total));
    std::snprintf(buf, sizeof buf, "%s: %3.0f%% %s of %s, %s/s%s", phase.c_str(), *frac * 100,
                  ProgressReporter::HumanBytes(done).c_str(),
                  ProgressReporter::HumanBytes(static_cast<double>(total)).c_str(),
                  ProgressReporter::HumanBytes(elapsed > 0 ? done / elapsed : 0).c_str(),
                  Eta(*frac, elapsed).c_str());
    return buf;
  }
  const uint64_t done = c.tables_done.load(std::memory_order_relaxed);
  const uint64_t tables = c.tables_total.load(std::memory_order_relaxed);
  *frac = tables > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(tables)) : 0;
  std::snprintf(buf, sizeof buf, "%s: %llu/%llu tables, %.0f s%s", phase.c_str(),
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(tables),
                elapsed, Eta(*frac, elapsed).c_str());
  return buf;
}

}  // namespace

std::string ProgressReporter::RenderLine(const ProgressCounters& c, const std::string& phase,
                                         double elapsed, bool bar) {
  double frac = 0;
  if (!phase.empty()) {
    const std::string line = PhaseLine(c, phase, elapsed, &frac);
    return bar ? Bar(frac, line) : line;
  }
  uint64_t rows = c.rows.load(std::memory_order_relaxed);
  uint64_t est = c.rows_estimate.load(std::memory_order_relaxed);
  uint64_t total = c.bytes_total.load(std::memory_order_relaxed);
  uint64_t written = c.written_bytes.load(std::memory_order_relaxed);
  double raw = static_cast<double>(c.raw_bytes.load(std::memory_order_relaxed));
  frac = total > 0 ? raw / static_cast<double>(total)
         : est > 0 ? static_cast<double>(rows) / static_cast<double>(est)
                   : 0;
  frac = std::min(1.0, frac);
  double rate = elapsed > 0 ? raw / elapsed : 0;
  // A dump shows SQL -> archive bytes; a restore, SQL loaded of the total.
  std::string bytes = HumanBytes(raw) + " SQL";
  if (written > 0) bytes += " -> " + HumanBytes(static_cast<double>(written));
  if (total > 0) bytes += " of " + HumanBytes(static_cast<double>(total));
  char buf[256];
  std::snprintf(buf, sizeof buf, "%3.0f%% %s, %llu rows, %llu/%llu tables, %s/s%s", frac * 100,
                bytes.c_str(), static_cast<unsigned long long>(rows),
                static_cast<unsigned long long>(c.tables_done.load()),
                static_cast<unsigned long long>(c.tables_total.load()), HumanBytes(rate).c_str(),
                Eta(frac, elapsed).c_str());
  return bar ? Bar(frac, buf) : buf;
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
