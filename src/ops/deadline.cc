#include "deadline.h"

#include <chrono>
#include <utility>

namespace myvault::ops {

Deadline::Deadline(const ErrorCollector* parent, int64_t seconds, Status expired)
    : collector_(parent), expired_status_(std::move(expired)) {
  timer_ = std::thread([this, seconds] {
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) return;
    expired_ = true;
    collector_.Report(expired_status_);
  });
}

Deadline::~Deadline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  wake_.notify_all();
  timer_.join();
}

bool Deadline::expired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return expired_;
}

Status Deadline::status() const { return expired() ? expired_status_ : Status::Ok(); }

}  // namespace myvault::ops
