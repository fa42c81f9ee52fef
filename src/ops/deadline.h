// Deadline: an ErrorCollector for one bounded step (private to the ops module). It is a child of
// the caller's collector (a signal cancels it, see ErrorCollector(parent)), and once `seconds`
// have passed a timer thread reports `expired` into it, so that work which already polls
// cancelled() (block loops, a child process watch) stops at the deadline too.
//
// It bounds only work that polls: a system call blocked in the kernel (a write to a hung
// hard-mounted NFS share) returns when the kernel lets it, and the work stops at its next poll.
//
// Thread safety: collector() may be polled from any thread; construct and destroy it on one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::ops {

class Deadline {
 public:
  // `seconds` > 0; `parent` (may be nullptr) must outlive this.
  Deadline(const ErrorCollector* parent, int64_t seconds, Status expired);
  ~Deadline();  // stops the timer thread (at once)
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  const ErrorCollector* collector() const { return &collector_; }
  bool expired() const;
  // `expired` when the deadline passed, else Ok.
  Status status() const;

 private:
  ErrorCollector collector_;
  const Status expired_status_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool done_ = false;
  bool expired_ = false;
  std::thread timer_;  // last: started once the members it uses exist
};

}  // namespace myvault::ops
