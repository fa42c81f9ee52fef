// A MariaDB server of a test's own, started by tools/testserver in a directory the test owns
// (datadir, socket, pid file and root password all live there). For tests that need a server set
// up differently from the shared ones (TLS certificates, extra addresses) or one they may kill.
// The destructor stops it by its pid (`tools/testserver stop DIR`) and waits for it to exit;
// removing the directory stays with its owner, after the server is gone. CrashAndRestart kills
// and restarts it under a test's feet (a target restarting in the middle of a restore).
//
// Thread safety: one owner; the accessors only read and are safe from any thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

class ThrowawayServer {
 public:
  // `tools/testserver start DIR` on a port testserver picks, with MYVAULT_TESTSERVER_ARGS set to
  // `extra_args` (appended to mariadbd's arguments, split on spaces; "" for none).
  static Result<std::unique_ptr<ThrowawayServer>> Start(const std::string& dir,
                                                        const std::string& extra_args = "");
  ~ThrowawayServer();
  ThrowawayServer(const ThrowawayServer&) = delete;
  ThrowawayServer& operator=(const ThrowawayServer&) = delete;

  // root@127.0.0.1:PORT with the password testserver generated.
  const ServerConfig& config() const { return config_; }
  // mariadbd's pid, from DIR/mysqld.pid.
  Result<pid_t> Pid() const;
  // Kills mariadbd with SIGKILL (a crash: InnoDB recovers at the next start), waits until it has
  // exited, and starts it again in the same directory on the same port with the same arguments.
  Status CrashAndRestart();

 private:
  ThrowawayServer(std::string dir, std::string extra_args)
      : dir_(std::move(dir)), extra_args_(std::move(extra_args)) {}
  // `tools/testserver start DIR [PORT]`.
  Status RunStart(const std::string& port);

  std::string dir_;
  std::string extra_args_;
  ServerConfig config_;
};

}  // namespace myvault::it
