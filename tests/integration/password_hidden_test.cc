// A password typed after a space (`-p S3cret`, `--password S3cret`) is an argument, as mysqldump
// reads it: `-p` alone asks for the password. Whatever then goes wrong (an unexpected argument,
// an archive or a database of that name), no subcommand and no mysqldump invocation prints it,
// on stdout or stderr. The attached forms (-pS3cret, --password=S3cret) are the password and
// are overwritten in /proc/PID/cmdline.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "fixture.h"

namespace myvault::it {
namespace {

constexpr char kSecret[] = "Zq7-S3cret-PW";
constexpr char kHidden[] = "<hidden: may be a password>";

struct Form {
  const char* name;
  std::vector<std::string> args;
  bool spaced;  // the secret is a separate argument
};

std::vector<Form> Forms() {
  return {{"-p SECRET", {"-p", kSecret}, true},
          {"--password SECRET", {"--password", kSecret}, true},
          {"-pSECRET", {std::string("-p") + kSecret}, false},
          {"--password=SECRET", {std::string("--password=") + kSecret}, false}};
}

class PasswordHidden : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(
        "CREATE DATABASE IF NOT EXISTS mv_hidden; CREATE TABLE IF NOT EXISTS mv_hidden.t "
        "(id INT PRIMARY KEY)"));
  }

  // `myvault ARGS` (or the mysqldump symlink when args[0] is "mysqldump-link") without a
  // terminal, so that a prompt fails at once instead of waiting.
  Result<CommandResult> RunWithoutTerminal(std::vector<std::string> args) {
    std::vector<std::string> argv = {"setsid", "-w", MyvaultBinary()};
    if (args.front() == "mysqldump-link") {
      const std::string link = dir_->Join("mysqldump");
      if (access(link.c_str(), F_OK) != 0 && symlink(MyvaultBinary().c_str(), link.c_str()) != 0) {
        return IoErrorFromErrno("symlink " + link, errno);
      }
      argv.back() = link;
      args.erase(args.begin());
    }
    argv.insert(argv.end(), args.begin(), args.end());
    CommandOptions options;
    options.env = {{"HOME", dir_->path()}};
    for (const char* name : {"DB_HOST", "DB_PORT", "DB_USERNAME", "DB_PASSWORD", "DB_PASSWORD_FILE",
                             "MYSQL_PWD", "BACKUP_DIR"}) {
      options.env.emplace_back(name, std::nullopt);
    }
    return RunCommand(argv, options);
  }
};

TEST_F(PasswordHidden, NoSubcommandPrintsAPasswordTypedAfterASpace) {
  const std::string cnf = "--defaults-file=" + source_cnf_;
  const std::string backups = dir_->Join("backups");
  ASSERT_EQ(mkdir(backups.c_str(), 0700), 0) << std::strerror(errno);
  // Each command line: what comes before the password form, and after it.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"dump", cnf, "--output", dir_->Join("d.sql.gz")}, {"--databases", "mv_hidden"}},
      {{"backup", cnf, "--dir", backups}, {"--databases", "mv_hidden"}},
      {{"restore", cnf, "--yes"}, {}},
      {{"verify"}, {}},
      {{"drill", cnf, "--dir", backups}, {}},
      {{"mysqldump", cnf}, {"mv_hidden", "t"}},
      {{"mysqldump-link", cnf}, {"mv_hidden", "t"}},
  };
  for (const auto& [before, after] : commands) {
    for (const Form& form : Forms()) {
      std::vector<std::string> args = before;
      args.insert(args.end(), form.args.begin(), form.args.end());
      // After a spaced form, the right password, so that no prompt stops the run before the
      // secret, now an argument, reaches a message.
      if (form.spaced) args.push_back("--password=" + source_config_.password);
      args.insert(args.end(), after.begin(), after.end());
      SCOPED_TRACE(before.front() + " " + form.name);
      ASSERT_OK_AND_ASSIGN(CommandResult r, RunWithoutTerminal(args));
      EXPECT_NE(r.exit_code, 0) << r.Describe();
      EXPECT_EQ(r.out.find(kSecret), std::string::npos) << "on stdout: " << r.Describe();
      EXPECT_EQ(r.err.find(kSecret), std::string::npos) << "on stderr: " << r.Describe();
      // Spaced, the secret was what the error was about: it is named as hidden, with a hint.
      if (form.spaced) {
        EXPECT_NE(r.err.find(kHidden), std::string::npos) << r.Describe();
        EXPECT_NE(r.err.find("take no separate value"), std::string::npos) << r.Describe();
      }
    }
  }
}

// A TCP port that accepts connections and never says anything: a client waits there for the
// server's greeting, long enough to look at its /proc/PID/cmdline.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 8) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "silent server: " << std::strerror(errno);
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  unsigned port() const { return port_; }

 private:
  int fd_ = -1;
  unsigned port_ = 0;
};

// The process's command line as /proc shows it, arguments joined by spaces.
std::string Cmdline(pid_t pid) {
  std::string text;
  if (Result<std::string> raw = ReadFile("/proc/" + std::to_string(pid) + "/cmdline"); raw.ok()) {
    text = *raw;
  }
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

TEST_F(PasswordHidden, AttachedPasswordsAreOverwrittenInProcCmdline) {
  const SilentServer silent;
  const std::vector<std::string> endpoint = {
      "--no-defaults", "-h", "127.0.0.1", "-P", std::to_string(silent.port()), "-u", "nobody"};
  for (const std::string& command : {"dump", "mysqldump"}) {
    for (const Form& form : Forms()) {
      if (form.spaced) continue;  // an argument, not a password: left as typed
      SCOPED_TRACE(command + " " + form.name);
      std::vector<std::string> argv = {MyvaultBinary(), command};
      argv.insert(argv.end(), endpoint.begin(), endpoint.end());
      argv.insert(argv.end(), form.args.begin(), form.args.end());
      if (command == "dump") argv.insert(argv.end(), {"--output", dir_->Join("p.sql.gz")});
      if (command == "mysqldump") argv.push_back("mv_hidden");
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<ChildProcess> child, ChildProcess::Start(argv));
      // Wait (bounded) until the process shows its own command line rather than the test's
      // copy before exec; by then main() has overwritten the password.
      std::string shown;
      for (int i = 0; i < 100 && child->Running(); ++i) {
        shown = Cmdline(child->pid());
        if (shown.find(" -u nobody ") != std::string::npos &&
            shown.find(std::string(std::strlen(kSecret), 'x')) != std::string::npos) {
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      EXPECT_TRUE(child->Running()) << "it should still wait for the silent server";
      EXPECT_EQ(shown.find(kSecret), std::string::npos) << shown;
      EXPECT_NE(shown.find(std::string(std::strlen(kSecret), 'x')), std::string::npos) << shown;
      ASSERT_OK(child->Signal(SIGKILL));
      child->Wait();
    }
  }
}

}  // namespace
}  // namespace myvault::it
