// Child processes (fork/execvpe, pipes drained by a thread, deadline kills the process group),
// option files and replay through the mariadb client. Declared in harness.h.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "harness.h"

extern char** environ;

namespace myvault::it {
namespace {

// The child's environment: ours, with the requested variables set or removed.
std::vector<std::string> BuildEnv(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos) vars[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
  }
  for (const auto& [name, value] : changes) {
    if (value)
      vars[name] = *value;
    else
      vars.erase(name);
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, const char* stdin_path,
                            const char* cwd, int out_fd, int err_fd, int report_fd) {
  // A session of its own: its own process group (killpg), and no controlling terminal, so a
  // child that would prompt on /dev/tty (myvault restore without --yes) behaves as under cron
  // even when the tests run from a terminal.
  setsid();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  const int in = open(stdin_path, O_RDONLY);
  int err = 0;
  if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) err = errno;
  if (err == 0 && cwd[0] != '\0' && chdir(cwd) != 0) err = errno;
  if (err == 0) {
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);  // no test connection or pipe leaks into the child
    execvpe(argv[0], argv, envp);
    err = errno;
  }
  (void)!write(report_fd, &err, sizeof err);
  _exit(127);
}

// Reads both pipes until both reach end of file.
void DrainPipes(int out_fd, int err_fd, std::string* out, std::string* err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

std::string Clip(const std::string& s, size_t max) {
  return s.size() <= max ? s : s.substr(0, max) + "...[" + std::to_string(s.size()) + " bytes]";
}

}  // namespace

std::string CommandResult::Describe() const {
  std::string d = timed_out          ? "TIMED OUT"
                  : term_signal != 0 ? "killed by signal " + std::to_string(term_signal)
                                     : "exit " + std::to_string(exit_code);
  d += " after " + std::to_string(seconds) + " s; stderr: [" + Clip(err, 3000) + "]";
  if (!out.empty()) d += " stdout: [" + Clip(out, 1000) + "]";
  return d;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::vector<std::string>& argv,
                                                          const CommandOptions& options) {
  if (argv.empty()) return InvalidArgument("empty argv");
  int out_pipe[2], err_pipe[2], report_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      pipe2(report_pipe, O_CLOEXEC) != 0) {
    return IoErrorFromErrno("pipe", errno);
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = BuildEnv(options.env);
  std::vector<char*> cargs = CStrings(args);
  std::vector<char*> cenv = CStrings(env);
  const std::string stdin_path = options.stdin_file.empty() ? "/dev/null" : options.stdin_file;

  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->started_ = std::chrono::steady_clock::now();
  child->deadline_ = child->started_ + options.timeout;
  const pid_t pid = fork();
  if (pid < 0) {
    const int saved = errno;
    for (int fd :
         {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], report_pipe[0], report_pipe[1]}) {
      close(fd);
    }
    return IoErrorFromErrno("fork", saved);
  }
  if (pid == 0) {
    ExecChild(cargs.data(), cenv.data(), stdin_path.c_str(), options.cwd.c_str(), out_pipe[1],
              err_pipe[1], report_pipe[1]);
  }
  // The child's setsid() has run once the report pipe below closes (exec succeeded), before
  // anyone can signal the group.
  child->pid_ = pid;
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(report_pipe[1]);
  int exec_errno = 0;
  const ssize_t n = read(report_pipe[0], &exec_errno, sizeof exec_errno);
  close(report_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    child->Reap(true);
    return IoErrorFromErrno("start " + argv[0], exec_errno);
  }
  ChildProcess* raw = child.get();
  child->reader_ = std::thread([raw, out = out_pipe[0], err = err_pipe[0]] {
    DrainPipes(out, err, &raw->out_, &raw->err_);
    raw->reader_done_ = true;
  });
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    killpg(pid_, SIGKILL);
    Reap(true);
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::Reap(bool block) {
  if (reaped_ || pid_ <= 0) return;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped_ = true;
    wait_status_ = status;
  }
}

bool ChildProcess::Running() {
  Reap(false);
  return !reaped_;
}

Status ChildProcess::Signal(int signo) {
  if (!Running()) return Internal("process " + std::to_string(pid_) + " already exited");
  if (kill(pid_, signo) != 0) return IoErrorFromErrno("kill", errno);
  return Status::Ok();
}

CommandResult ChildProcess::Wait() {
  CommandResult result;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline_) {
      killpg(pid_, SIGKILL);
      Reap(true);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // A descendant that outlives the child may still hold the pipes open: give it until the
  // deadline, then kill the group so that the reader sees end of file.
  while (!reader_done_ && std::chrono::steady_clock::now() < deadline_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!reader_done_) {
    killpg(pid_, SIGKILL);
    result.timed_out = true;
  }
  if (reader_.joinable()) reader_.join();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (WIFEXITED(wait_status_)) result.exit_code = WEXITSTATUS(wait_status_);
  if (WIFSIGNALED(wait_status_)) result.term_signal = WTERMSIG(wait_status_);
  result.out = std::move(out_);
  result.err = std::move(err_);
  return result;
}

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child, ChildProcess::Start(argv, options));
  return child->Wait();
}

namespace {

// An option-file value, quoted when it holds anything but plain characters.
std::string OptionValue(const std::string& value) {
  const bool plain = !value.empty() &&
                     value.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/@:+-") ==
                         std::string::npos;
  if (plain) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<std::string> WriteOptionFile(const ServerConfig& server, const std::string& dir,
                                    std::string_view name) {
  std::string text = "[client]\nuser=" + OptionValue(server.user) + "\n";
  if (!server.password.empty()) text += "password=" + OptionValue(server.password) + "\n";
  if (server.host.empty()) {
    text += "socket=" + OptionValue(server.socket) + "\n";
  } else {
    text += "host=" + OptionValue(server.host) + "\nport=" + std::to_string(server.port) + "\n";
  }
  const std::string path = dir + "/" + std::string(name);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoErrorFromErrno("create " + path, errno);
  const bool ok = fchmod(fd, 0600) == 0 &&
                  write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved = errno;
  close(fd);
  if (!ok) return IoErrorFromErrno("write " + path, saved);
  return path;
}

Status ReplayWithMariadbClient(const std::string& archive, const std::string& target_cnf) {
  CommandOptions options;
  options.timeout = std::chrono::minutes(5);
  ASSIGN_OR_RETURN(CommandResult r,
                   RunCommand({"bash", "-c",
                               "set -o pipefail; gzip -dc -- \"$1\" | "
                               "mariadb --defaults-file=\"$2\" --max-allowed-packet=1G",
                               "replay", archive, target_cnf},
                              options));
  if (r.exit_code != 0) return Internal("replay of " + archive + " failed: " + r.Describe());
  return Status::Ok();
}

}  // namespace myvault::it
