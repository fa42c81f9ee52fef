#include "myvault/common/cancel.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>

namespace myvault {

bool ErrorCollector::Report(const Status& s) {
  if (s.ok()) return false;
  std::lock_guard<std::mutex> l(mu_);
  if (!first_.ok()) return false;
  first_ = s;
  cancelled_.store(true, std::memory_order_relaxed);
  return true;
}

Status ErrorCollector::first() const {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!first_.ok() || parent_ == nullptr) return first_;
  }
  return parent_->first();
}

bool ErrorCollector::interrupted() const {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (first_.code() == StatusCode::kCancelled) return true;
  }
  return parent_ != nullptr && parent_->interrupted();
}

SignalWatcher::SignalWatcher(ErrorCollector* collector) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (pipe2(wake_fd_, O_CLOEXEC) != 0) wake_fd_[0] = wake_fd_[1] = -1;
  int wake = wake_fd_[0];
  thread_ = std::thread([collector, sfd, wake] {
    pollfd fds[2] = {{sfd, POLLIN, 0}, {wake, POLLIN, 0}};
    while (poll(fds, 2, -1) >= 0 || errno == EINTR) {
      if (fds[1].revents != 0) break;
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        if (read(sfd, &info, sizeof info) == sizeof info) {
          collector->Report(Cancelled(std::string("interrupted by ") +
                                      (info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM")));
        }
      }
    }
    close(sfd);
  });
}

SignalWatcher::~SignalWatcher() {
  if (wake_fd_[1] >= 0) {
    char c = 0;
    (void)!write(wake_fd_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : wake_fd_) {
    if (fd >= 0) close(fd);
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace myvault
