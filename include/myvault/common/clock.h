// Clock: the one monotonic time source for durations (phase times, lock hold times, progress).
// Thread-safe.
#pragma once

#include <chrono>

namespace myvault {

// Seconds on the steady clock, from an unspecified epoch: only differences mean anything.
inline double MonotonicSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace myvault
