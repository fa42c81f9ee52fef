// Progress: one event stream for humans and machines.
//
// Work updates ProgressCounters (atomics, relaxed: they are statistics). A ProgressReporter
// samples them on its own thread and renders them in one of three ways chosen once: a redrawn
// bar on a terminal, a plain line every few seconds in logs, or nothing with --quiet. Phase
// events (Event()) go through the same object, so call sites never test the output mode.
// Thread-safe.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace myvault {

struct ProgressCounters {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> raw_bytes{0};      // SQL text produced
  std::atomic<uint64_t> written_bytes{0};  // compressed bytes in the archive
  std::atomic<uint64_t> chunks{0};
  std::atomic<uint64_t> tables_done{0};
  std::atomic<uint64_t> tables_total{0};
  std::atomic<uint64_t> rows_estimate{0};  // for the ETA; information_schema's estimate
  std::atomic<uint64_t> bytes_total{0};    // when known (restore): raw_bytes' goal, for the ETA
};

enum class ProgressMode { kAuto, kBar, kLines, kQuiet };

class ProgressReporter {
 public:
  // kAuto picks kBar when stderr is a terminal, else kLines.
  ProgressReporter(ProgressMode mode, const ProgressCounters* counters);
  ~ProgressReporter();
  void Start();  // (again after Stop(): the next phase)
  void Stop();   // final redraw; idempotent
  // From now on the line describes `phase` ("verify", "indexes", "check") from `counters`: bytes
  // of bytes_total when that is set, else tables_done of tables_total. An empty phase (the
  // default) is the data phase of a dump or restore, with the counters given to the constructor.
  void Track(const ProgressCounters* counters, const std::string& phase);
  // A phase event: "locked in 0.02 s" — one log line (not in quiet mode).
  void Event(const std::string& message);
  // A warning the user should act on (not in quiet mode, which prints errors only).
  void Warn(const std::string& message);

  static std::string HumanBytes(double bytes);
  static std::string HumanDuration(double seconds);
  // 3456789 -> "3,456,789".
  static std::string GroupThousands(uint64_t n);
  // The progress line of `phase` (see Track) after `elapsed` seconds. The ETA is shown only once
  // it means something: after a second and 1% of the work, before the end.
  static std::string RenderLine(const ProgressCounters& c, const std::string& phase, double elapsed,
                                bool bar);

 private:
  void Loop();
  std::string Line(double elapsed, bool bar) const {
    return RenderLine(*counters_, phase_, elapsed, bar);
  }

  ProgressMode mode_;
  const ProgressCounters* counters_;
  std::string phase_;  // "" for the data phase
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool bar_drawn_ = false;
  double start_ = 0;
  std::thread thread_;
  spdlog::logger log_;  // lines mode: timestamped lines for `docker logs` and journald
};

}  // namespace myvault
