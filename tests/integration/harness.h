// Integration-test harness: connections to real MariaDB servers, child processes, scratch
// directories and option files. Nothing here is mocked: every helper talks to a live server or
// runs a real program (myvault, mariadb, gzip, sha256sum).
//
// Servers are named by the environment (see env.h); a TestServer owns one libmysqlclient
// connection (utf8mb4, multi-statements, 1 GiB max packet). ChildProcess runs argv directly
// (fork/execvp, no shell), in its own session (own process group, no controlling terminal), with
// stdout/stderr captured through pipes and a deadline after which the whole group is killed.
//
// Thread safety: a TestServer is one connection: use it from one thread at a time (tests that
// need concurrency open a second TestServer). ChildProcess, TempDir and the free functions are
// safe to use from several threads on distinct objects.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../status_assertions.h"
#include "myvault/status.h"

typedef struct st_mysql MYSQL;

namespace myvault::it {

// Where a server listens and who to log in as. host empty means: use the socket.
struct ServerConfig {
  std::string host;
  unsigned port = 0;
  std::string socket;
  std::string user;
  std::string password;

  std::string Describe() const;  // "root@127.0.0.1:34001" (never the password)
};

using Row = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL

class TestServer {
 public:
  static Result<std::unique_ptr<TestServer>> Connect(const ServerConfig& config);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Runs one or more ';'-separated statements and discards every result set.
  Status Exec(std::string_view sql);
  // Runs one statement and returns all rows of its result (empty for statements without one).
  Result<std::vector<Row>> Query(std::string_view sql);
  // Runs one statement and hands each row to `on_row` while streaming (mysql_use_result).
  Status QueryEach(std::string_view sql, const std::function<void(const Row&)>& on_row);
  // The single value of a one-row, one-column query (NULL comes back as "NULL").
  Result<std::string> QueryValue(std::string_view sql);

  unsigned long ConnectionId() const;
  const ServerConfig& config() const { return config_; }

 private:
  TestServer(const ServerConfig& config, MYSQL* mysql) : config_(config), mysql_(mysql) {}
  Status Error(std::string_view sql) const;

  ServerConfig config_;
  MYSQL* mysql_;
};

// `name` quoted as an SQL identifier: `a``b`.
std::string QuoteIdent(std::string_view name);
// `bytes` as an SQL string literal through hex: X'00ff..' (empty gives X'').
std::string HexLiteral(std::string_view bytes);
// `db`.`table`
std::string QualifiedName(std::string_view db, std::string_view table);

// A scratch directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct CommandOptions {
  std::string stdin_file;  // empty: /dev/null
  // Changes to the inherited environment: a value sets the variable, nullopt unsets it.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  std::string cwd;  // empty: the test's cwd
  std::chrono::milliseconds timeout{std::chrono::minutes(3)};
};

struct CommandResult {
  int exit_code = -1;   // -1 when the process died from a signal
  int term_signal = 0;  // the signal that killed it, 0 when it exited
  bool timed_out = false;
  double seconds = 0;
  std::string out;
  std::string err;

  std::string Describe() const;  // "exit 3 after 0.2 s; stderr: ..." for assertion messages
};

// A running child. Its stdout/stderr are drained by a reader thread, so it never blocks on a
// full pipe. The destructor kills and reaps a child that is still running.
class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     const CommandOptions& options = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  Status Signal(int signo);
  // Waits until exit or the deadline (start + options.timeout), killing the group at the deadline.
  CommandResult Wait();

 private:
  ChildProcess() = default;
  void Reap(bool block);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point deadline_;
  std::thread reader_;
  std::atomic<bool> reader_done_{false};
  std::string out_;
  std::string err_;
};

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options = {});

// Writes DIR/NAME, mode 0600: a [client] group with user, password, host and port (or socket),
// for --defaults-file, so that no password ever appears on a command line.
Result<std::string> WriteOptionFile(const ServerConfig& server, const std::string& dir,
                                    std::string_view name);

// `gzip -dc ARCHIVE | mariadb --defaults-file=CNF --max-allowed-packet=1G`: replays a dump the
// way a user restores one. Fails (with the client's stderr) when either side of the pipe fails.
Status ReplayWithMariadbClient(const std::string& archive, const std::string& target_cnf);

// A TCP port on 127.0.0.1 with nothing listening (bound once, then released).
Result<unsigned> FreeTcpPort();

// Small file helpers.
Result<std::string> ReadFile(const std::string& path);
Status WriteFile(const std::string& path, std::string_view bytes);
bool PathExists(const std::string& path);
// The permission bits of `path` (e.g. 0600), or -1 if it does not exist.
int FileMode(const std::string& path);
// Every file name in `dir` (not recursive), sorted.
std::vector<std::string> ListDir(const std::string& dir);

}  // namespace myvault::it
