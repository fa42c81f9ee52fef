// ForEachWithSession (target.h): a fixed set of threads, each with one pooled session.
#pragma once

#include <atomic>
#include <thread>

namespace myvault::restore {

template <typename Item, typename Fn, typename Stop>
Status ForEachWithSession(const std::vector<Item>& items, SessionPool* pool, Fn fn, Stop stop) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  auto failed = [&] {
    std::lock_guard<std::mutex> l(mu);
    return !first.ok();
  };
  auto work = [&] {
    std::unique_ptr<mysql::Session> s = pool->Take();
    for (size_t i = next++; i < items.size() && !failed() && !stop(); i = next++) {
      Status st = fn(items[i], s);
      if (!st.ok()) {
        std::lock_guard<std::mutex> l(mu);
        if (first.ok()) first = st;
      }
    }
    pool->Return(std::move(s));
  };
  std::vector<std::thread> threads;
  const size_t n = std::min(items.size(), pool->size());
  for (size_t t = 0; t < n; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  return first;
}

}  // namespace myvault::restore
