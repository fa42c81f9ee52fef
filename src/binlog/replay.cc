// Replaying archived binlog (contract in myvault/binlog/replay.h).
#include "myvault/binlog/replay.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "myvault/common/clock.h"
#include "myvault/ops/health.h"
#include "ops/file_util.h"

namespace myvault::binlog {
namespace {

// Removes the temporary directory when it goes out of scope.
struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Result<std::string> MakeTempDir(const std::string& base) {
  std::string tmpl =
      (base.empty() ? (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") : base) +
      "/myvault-replay-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return IoErrorFromErrno("create " + tmpl, errno);
  return tmpl;
}

// An option-file value in double quotes with \\ and \" escaped.
std::string Quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ClientDefaults(const ReplayOptions& o) {
  const mysql::ConnectionOptions& c = o.connection;
  std::string f = "[client]\n";
  if (!c.host.empty()) f += "host=" + Quoted(c.host) + "\n";
  if (c.port != 0) f += "port=" + std::to_string(c.port) + "\n";
  if (!c.socket.empty()) f += "socket=" + Quoted(c.socket) + "\n";
  if (!c.user.empty()) f += "user=" + Quoted(c.user) + "\n";
  if (c.password) f += "password=" + Quoted(*c.password) + "\n";
  if (!c.ssl_ca.empty()) f += "ssl-ca=" + Quoted(c.ssl_ca) + "\n";
  if (!c.ssl_cert.empty()) f += "ssl-cert=" + Quoted(c.ssl_cert) + "\n";
  if (!c.ssl_key.empty()) f += "ssl-key=" + Quoted(c.ssl_key) + "\n";
  if (o.skip_binlog) f += "init-command=\"SET SESSION sql_log_bin=0\"\n";
  return f;
}

Status Inflate(const ReplayOptions& o, const std::string& file, const std::string& to) {
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoErrorFromErrno("create " + to, errno);
  const auto write_all = [&](std::string_view bytes) { return ops::WriteAll(fd, bytes, to); };
  Result<std::unique_ptr<storage::Store>> store = storage::OpenStore(o.dir);
  Status st = store.ok() ? ReadArchived(**store, o.prefix, file, false, write_all) : store.status();
  // Not complete yet: the file still being archived (its partial) ends the plan.
  if (st.code() == StatusCode::kNotFound)
    st = ReadArchived(**store, o.prefix, file, true, write_all);
  if (::close(fd) != 0 && st.ok()) st = IoErrorFromErrno("close " + to, errno);
  return st;
}

std::string FirstLine(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, f) != nullptr) {
      out = buf;
      if (out.find("ERROR") != std::string::npos || out.find("rror") != std::string::npos) break;
    }
    std::fclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Starts argv in process group `group` (0: a new one led by the child) with the given standard
// descriptors (-1: inherited). Everything the child needs is prepared before fork.
pid_t Spawn(const std::vector<std::string>& argv, int in, int out, int err, pid_t group) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);
  const pid_t pid = ::fork();
  if (pid != 0) {
    if (pid > 0) ::setpgid(pid, group == 0 ? pid : group);
    return pid;
  }
  ::setpgid(0, group);
  if (in >= 0) ::dup2(in, 0);
  if (out >= 0) ::dup2(out, 1);
  ::dup2(err, 2);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // myvault blocks SIGTERM/SIGINT in its threads
  ::execvp(args[0], args.data());
  ::_exit(127);
}

// Waits for both; stops the group on cancel or timeout. The exit statuses go in *a and *b.
Status WaitBoth(pid_t a, pid_t b, const ErrorCollector* cancel, double timeout_s, int* sa,
                int* sb) {
  const double start = MonotonicSeconds();
  bool a_done = false, b_done = false, stopping = false;
  double kill_at = 0;
  Status why;
  while (!a_done || !b_done) {
    if (!a_done && ::waitpid(a, sa, WNOHANG) == a) a_done = true;
    if (!b_done && ::waitpid(b, sb, WNOHANG) == b) b_done = true;
    if (a_done && b_done) break;
    const double now = MonotonicSeconds();
    if (!stopping && (cancel->cancelled() || now - start > timeout_s)) {
      why = cancel->cancelled() ? cancel->first()
                                : Status(StatusCode::kLockTimeout,
                                         "the replay ran past its timeout of " +
                                             std::to_string(static_cast<int>(timeout_s)) + " s");
      ::kill(-a, SIGTERM);
      stopping = true;
      kill_at = now + 5;
    }
    if (stopping && now > kill_at) ::kill(-a, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return why;
}

}  // namespace

std::vector<std::string> ReplayArguments(const ReplayOptions& o,
                                         const std::vector<std::string>& files) {
  std::vector<std::string> args = {"--start-position=" + std::to_string(o.plan.start),
                                   "--stop-position=" + std::to_string(o.plan.stop)};
  if (!o.database.empty()) args.push_back("--database=" + o.database);
  for (const auto& [from, to] : o.rename) {
    std::string arg = "--rewrite-db=";
    arg.append(from).append("->").append(to);
    args.push_back(std::move(arg));
  }
  args.insert(args.end(), files.begin(), files.end());
  return args;
}

Status RunReplay(const ReplayOptions& o, const ErrorCollector* cancel, ReplayReport* report) {
  const double start = MonotonicSeconds();
  TempDir tmp;
  ASSIGN_OR_RETURN(tmp.path, MakeTempDir(o.tmp_dir));
  std::vector<std::string> files;
  for (const std::string& f : o.plan.files) {
    files.push_back(tmp.path + "/" + f);
    RETURN_IF_ERROR(Inflate(o, f, files.back()));
    struct stat st {};
    if (::stat(files.back().c_str(), &st) == 0)
      report->binlog_bytes += static_cast<uint64_t>(st.st_size);
  }
  const std::string cnf = tmp.path + "/client.cnf";
  RETURN_IF_ERROR(ops::WriteFileAtomically(cnf, ClientDefaults(o), 0600));
  std::vector<std::string> reader = {"mariadb-binlog"};
  for (std::string& a : ReplayArguments(o, files)) reader.push_back(std::move(a));
  const std::vector<std::string> client = {"mariadb", "--defaults-file=" + cnf, "--binary-mode",
                                           "--batch"};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return IoErrorFromErrno("pipe", errno);
  const std::string reader_err = tmp.path + "/reader.err", client_err = tmp.path + "/client.err";
  const int e1 = ::open(reader_err.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  const int e2 = ::open(client_err.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  const pid_t a = Spawn(reader, -1, fds[1], e1, 0);
  if (a < 0) return IoErrorFromErrno("fork", errno);
  const pid_t b = Spawn(client, fds[0], -1, e2, a);
  if (b < 0) {
    ::kill(-a, SIGKILL);
    ::waitpid(a, nullptr, 0);
    return IoErrorFromErrno("fork", errno);
  }
  ::close(fds[0]);
  ::close(fds[1]);
  ::close(e1);
  ::close(e2);
  int sa = 0, sb = 0;
  RETURN_IF_ERROR(WaitBoth(a, b, cancel, o.timeout_s, &sa, &sb));
  report->seconds = MonotonicSeconds() - start;
  if (!WIFEXITED(sb) || WEXITSTATUS(sb) != 0) {
    return Status(StatusCode::kServer, "replaying the binlog: mariadb: " + FirstLine(client_err));
  }
  if (!WIFEXITED(sa) || WEXITSTATUS(sa) != 0) {
    return Status(StatusCode::kServer,
                  "replaying the binlog: mariadb-binlog: " + FirstLine(reader_err));
  }
  return Status::Ok();
}

}  // namespace myvault::binlog
