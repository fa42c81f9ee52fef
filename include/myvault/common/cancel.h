// ErrorCollector: the first fatal error of a pipeline, and its cancellation flag.
//
// Every thread of a pipeline reports failures here instead of throwing or exiting; the first
// non-ok Status wins and flips cancelled(), which workers poll between rows and chunks.
// A signal (SIGINT/SIGTERM) reaches it through SignalWatcher as a kCancelled Status.
// Thread-safe.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>

#include "myvault/status.h"

namespace myvault {

class ErrorCollector {
 public:
  ErrorCollector() = default;
  // A collector for one job inside a longer-lived one (a backup run inside the daemon): it is
  // cancelled when `parent` is (a signal), and first() is then the parent's error; its own
  // errors stay its own and never cancel the parent. `parent` must outlive it.
  explicit ErrorCollector(const ErrorCollector* parent) : parent_(parent) {}

  // Records `s` if it is the first error; returns true if it was.
  bool Report(const Status& s);
  bool cancelled() const {
    return cancelled_.load(std::memory_order_relaxed) ||
           (parent_ != nullptr && parent_->cancelled());
  }
  Status first() const;
  // True when the first error of this collector or of an ancestor is kCancelled (a signal).
  // Unlike cancelled(), an ordinary failure does not set it: work that still runs after a
  // failure (the notification about it) polls this to stop on a signal only.
  bool interrupted() const;

 private:
  const ErrorCollector* parent_ = nullptr;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  Status first_;
};

// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it starts later) and
// turns their arrival into collector->Report(Cancelled(...)) on a dedicated thread. Construct it
// in main() before any other thread exists; the destructor restores the signal mask.
class SignalWatcher {
 public:
  explicit SignalWatcher(ErrorCollector* collector);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::thread thread_;
  int wake_fd_[2] = {-1, -1};
};

}  // namespace myvault
