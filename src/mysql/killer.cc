#include "myvault/mysql/killer.h"

namespace myvault::mysql {

QueryKiller::QueryKiller(ConnectionOptions options, const ErrorCollector* cancel)
    : options_(std::move(options)), cancel_(cancel), thread_([this] { Run(); }) {}

QueryKiller::~QueryKiller() {
  Stop();
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [session, id] : watched_) session->SetCloseHook(nullptr);
}

void QueryKiller::Watch(Session& session) {
  {
    std::lock_guard<std::mutex> l(mu_);
    watched_[&session] = session.thread_id();
  }
  session.SetCloseHook([this, s = &session] { Forget(s); });
}

void QueryKiller::Forget(Session* session) {
  std::lock_guard<std::mutex> l(mu_);
  watched_.erase(session);
}

std::vector<unsigned long> QueryKiller::WatchedIds() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<unsigned long> ids;
  for (const auto& [session, id] : watched_) ids.push_back(id);
  return ids;
}

void QueryKiller::KillAfter(double seconds, std::function<std::string(Session&)> describe) {
  {
    std::lock_guard<std::mutex> l(mu_);
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    describe_ = std::move(describe);
  }
  cv_.notify_all();
}

void QueryKiller::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string QueryKiller::description() const {
  std::lock_guard<std::mutex> l(mu_);
  return description_;
}

bool QueryKiller::Connected() {
  if (killer_ == nullptr && !unreachable_) {
    auto s = Session::Connect(options_, "query killer");
    if (s.ok()) {
      killer_ = std::move(s).value();
    } else {
      unreachable_ = true;  // the server is gone: the watched statements fail on their own
    }
  }
  return killer_ != nullptr;
}

void QueryKiller::KillWatched(const std::vector<unsigned long>& ids) {
  if (!Connected()) return;
  for (unsigned long id : ids) (void)killer_->Execute("KILL QUERY " + std::to_string(id));
}

void QueryKiller::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!done_) {
    const bool cancelled = cancel_ != nullptr && cancel_->cancelled();
    const bool due = deadline_.has_value() && std::chrono::steady_clock::now() >= *deadline_;
    if (!cancelled && !due) {
      cv_.wait_for(l, std::chrono::milliseconds(100));
      continue;
    }
    std::vector<unsigned long> ids;
    for (const auto& [session, id] : watched_) ids.push_back(id);
    std::function<std::string(Session&)> describe;
    if (due) {
      deadline_.reset();
      describe = std::move(describe_);
    }
    l.unlock();
    std::string said;
    if (describe && Connected()) said = describe(*killer_);
    if (due) fired_ = true;
    KillWatched(ids);
    l.lock();
    if (due) description_ = said;
    if (cancelled) cv_.wait_for(l, std::chrono::milliseconds(250));
  }
}

}  // namespace myvault::mysql
