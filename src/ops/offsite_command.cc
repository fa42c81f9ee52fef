#include "offsite_command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <filesystem>
#include <string>

#include "myvault/ops/offsite.h"

extern char** environ;  // POSIX; passed on to the copy command

namespace myvault::ops {
namespace {

constexpr long kPollNanos = 50L * 1000 * 1000;  // how often cancellation is checked
constexpr int kTermGraceSeconds = 5;            // SIGTERM, then SIGKILL after this long
constexpr int kKillWaitSeconds = 5;             // how long to wait for SIGKILL to take effect

void Nap() {
  timespec t{0, kPollNanos};
  ::nanosleep(&t, nullptr);
}

// waitpid(pid) without blocking, retrying EINTR: the pid when it ended, 0 while it runs, -1 with
// errno on failure.
pid_t Reap(pid_t pid, int* wstatus) {
  pid_t r;
  do {
    r = ::waitpid(pid, wstatus, WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r;
}

// Waits up to `seconds` for every process of group `pgid` to end, reaping those that are ours
// (the shell, and orphans of the group re-parented to us when we run as PID 1); true once the
// group is empty.
bool WaitGroupGone(pid_t pgid, int seconds) {
  for (long i = 0; i * kPollNanos <= seconds * 1000000000L; ++i) {
    int wstatus = 0;
    while (::waitpid(-pgid, &wstatus, WNOHANG) > 0) {
    }
    if (::kill(-pgid, 0) != 0 && errno == ESRCH) return true;
    Nap();
  }
  return false;
}

// Stops the command's whole process group: SIGTERM, and SIGKILL to whatever is left of it after
// the grace. Says how it went, for the error message.
std::string StopGroup(pid_t pgid) {
  ::kill(-pgid, SIGTERM);
  if (WaitGroupGone(pgid, kTermGraceSeconds)) return "its processes were stopped with SIGTERM";
  ::kill(-pgid, SIGKILL);
  if (WaitGroupGone(pgid, kKillWaitSeconds)) {
    return "its processes were killed with SIGKILL after ignoring SIGTERM for " +
           std::to_string(kTermGraceSeconds) + " s";
  }
  return "some of its processes were still there " + std::to_string(kKillWaitSeconds) +
         " s after SIGKILL";
}

Status Describe(int wstatus) {
  if (WIFEXITED(wstatus)) {
    const int code = WEXITSTATUS(wstatus);
    if (code == 0) return Status::Ok();
    return IoError("offsite copy command failed with exit code " + std::to_string(code));
  }
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    const char* abbrev = ::sigabbrev_np(sig);
    return IoError("offsite copy command was killed by signal " + std::to_string(sig) +
                   (abbrev != nullptr ? std::string(" (SIG") + abbrev + ")" : std::string()));
  }
  return Internal("offsite copy command: unexpected wait status " + std::to_string(wstatus));
}

// posix_spawn attributes: a new process group, no blocked signals (main() blocks SIGINT and
// SIGTERM for SignalWatcher), default actions for the signals a shell should die of.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  int error = 0;

  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigset_t none;
    sigset_t defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaddset(&defaults, sig);
    const short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    for (int rc :
         {posix_spawnattr_setflags(&attr, flags), posix_spawnattr_setpgroup(&attr, 0),
          posix_spawnattr_setsigmask(&attr, &none), posix_spawnattr_setsigdefault(&attr, &defaults),
          posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)}) {
      if (error == 0) error = rc;
    }
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::string ExpandCopyCommand(const std::string& command, const std::string& file) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) absolute = file;
  const std::string quoted_file = ShellQuote(absolute.lexically_normal().string());
  const std::string quoted_name = ShellQuote(absolute.filename().string());
  std::string out;
  for (size_t i = 0; i < command.size();) {
    if (command.compare(i, 6, "{file}") == 0) {
      out += quoted_file;
      i += 6;
    } else if (command.compare(i, 6, "{name}") == 0) {
      out += quoted_name;
      i += 6;
    } else {
      out += command[i++];
    }
  }
  return out;
}

Status RunCopyCommand(const std::string& command, const std::string& file,
                      const ErrorCollector* cancel) {
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->cancelled(); };
  if (cancelled()) return Cancelled("offsite copy command cancelled");
  std::string script = ExpandCopyCommand(command, file);
  std::string sh = "sh";
  std::string dash_c = "-c";
  char* argv[] = {sh.data(), dash_c.data(), script.data(), nullptr};
  SpawnSetup setup;
  if (setup.error != 0) return IoErrorFromErrno("prepare the offsite copy command", setup.error);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attr, argv, environ);
  if (rc != 0) return IoErrorFromErrno("start /bin/sh for the offsite copy command", rc);
  int wstatus = 0;
  for (;;) {
    const pid_t r = Reap(pid, &wstatus);
    if (r < 0) return IoErrorFromErrno("wait for the offsite copy command", errno);
    if (r == pid) return Describe(wstatus);
    if (cancelled()) {
      const std::string how = StopGroup(pid);
      const Status why = cancel->first();
      if (why.ok() || why.code() == StatusCode::kCancelled) {
        return Cancelled("offsite copy command cancelled: " + how);
      }
      return {why.code(), why.message() + ": " + how};  // the deadline's kIo
    }
    Nap();
  }
}

}  // namespace myvault::ops
