// The confirmation prompt of `myvault restore` without --yes, on a real pseudo-terminal (the
// restore asks on /dev/tty): typing RESTORE goes ahead; anything else, or end of input, cancels
// with exit 130 and leaves the target untouched. The prompt names what will be replaced.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "restore_fixture.h"

extern char** environ;

namespace myvault::it {
namespace {

constexpr char kConfirmDb[] = "mv_rconfirm";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rconfirm; CREATE DATABASE mv_rconfirm; USE mv_rconfirm;
CREATE TABLE mv_rconfirm.t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO mv_rconfirm.t SELECT seq, CONCAT('source ', seq) FROM seq_1_to_100;
)sql";

constexpr char kTargetSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rconfirm; CREATE DATABASE mv_rconfirm; USE mv_rconfirm;
CREATE TABLE mv_rconfirm.t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO mv_rconfirm.t VALUES (1, 'target');
DROP DATABASE IF EXISTS _myvault_restore;
)sql";

constexpr char kPrompt[] = "to continue: ";

struct TerminalRun {
  int exit_code = -1;  // -1: killed by a signal or not waited for
  bool timed_out = false;
  bool prompted = false;  // kPrompt appeared before the answer was typed
  std::string output;     // everything the child wrote on the terminal
};

// Runs `argv` on a new pseudo-terminal (its controlling terminal, stdin, stdout and stderr).
// Once kPrompt appears, types `answer`. Reads until the child closes the terminal, then reaps
// it; after 60 s the child is killed. The DB_* / MYSQL_* variables are removed from its
// environment as RunMyvault does.
TerminalRun RunOnTerminal(const std::vector<std::string>& argv, const std::string& answer) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var(*e);
    if (var.rfind("DB_", 0) != 0 && var.rfind("MYSQL_", 0) != 0) env_strings.push_back(var);
  }
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  TerminalRun run;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty: " << std::strerror(errno);
    return run;
  }
  if (pid == 0) {
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool answered = false;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    run.output.append(buf, static_cast<size_t>(n));
    if (!answered && run.output.find(kPrompt) != std::string::npos) {
      run.prompted = true;
      answered = true;
      if (write(master, answer.data(), answer.size()) != static_cast<ssize_t>(answer.size())) {
        ADD_FAILURE() << "write to the terminal: " << std::strerror(errno);
      }
    }
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    run.timed_out = true;
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

class RestoreConfirm : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(kTargetSetup));
    archive_ = dir_->Join("confirm.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kConfirmDb}));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kConfirmDb}));
  }

  TerminalRun RestoreOnTerminal(const std::string& answer) {
    return RunOnTerminal({MyvaultBinary(), "restore", archive_, "--defaults-file", target_cnf_,
                          "--progress", "none"},
                         answer);
  }

  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kConfirmDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "a declined restore changed the target";
  }

  std::string archive_;
  ServerState before_;
};

TEST_F(RestoreConfirm, TypingRestoreGoesAhead) {
  const TerminalRun run = RestoreOnTerminal("RESTORE\n");
  ASSERT_TRUE(run.prompted) << "no prompt on the terminal:\n" << run.output;
  EXPECT_NE(run.output.find(kConfirmDb), std::string::npos)
      << "the prompt should name the database it replaces:\n"
      << run.output;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectNoJournal();
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kConfirmDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint target, TakeFingerprint(target_config_, {kConfirmDb}));
  EXPECT_EQ(Diff(source, target), "");
}

TEST_F(RestoreConfirm, AnyOtherAnswerCancelsAndChangesNothing) {
  const TerminalRun run = RestoreOnTerminal("yes\n");
  ASSERT_TRUE(run.prompted) << "no prompt on the terminal:\n" << run.output;
  EXPECT_EQ(run.exit_code, kExitCancelled) << run.output;
  EXPECT_NE(run.output.find("myvault: error: "), std::string::npos) << run.output;
  ExpectTargetUntouched();
}

// Ctrl-D at the prompt: end of input without an answer.
TEST_F(RestoreConfirm, EndOfInputCancelsAndChangesNothing) {
  const TerminalRun run = RestoreOnTerminal("\x04");
  ASSERT_TRUE(run.prompted) << "no prompt on the terminal:\n" << run.output;
  EXPECT_EQ(run.exit_code, kExitCancelled) << run.output;
  ExpectTargetUntouched();
}

}  // namespace
}  // namespace myvault::it
