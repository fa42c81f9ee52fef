// A test's own MariaDB through tools/testserver.
#include "throwaway_server.h"

#include <signal.h>

#include <charconv>
#include <chrono>
#include <thread>

namespace myvault::it {
namespace {

std::string TestserverTool() { return std::string(MYVAULT_SOURCE_DIR) + "/tools/testserver"; }

// The first line of `path`, without its newline.
Result<std::string> ReadLine(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const size_t end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text;
}

Result<unsigned> ParseNumber(const std::string& what, const std::string& text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
    return Corrupt(what + " holds '" + text + "', not a number");
  }
  return value;
}

}  // namespace

Status ThrowawayServer::RunStart(const std::string& port) {
  CommandOptions options;
  options.timeout = std::chrono::minutes(2);
  options.env.emplace_back("MYVAULT_TESTSERVER_ARGS", extra_args_);
  std::vector<std::string> argv = {TestserverTool(), "start", dir_};
  if (!port.empty()) argv.push_back(port);
  ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv, options));
  if (r.exit_code != 0) return Internal("tools/testserver start " + dir_ + ": " + r.Describe());
  return Status::Ok();
}

Result<std::unique_ptr<ThrowawayServer>> ThrowawayServer::Start(const std::string& dir,
                                                                const std::string& extra_args) {
  // From here on the destructor stops whatever did start.
  std::unique_ptr<ThrowawayServer> server(new ThrowawayServer(dir, extra_args));
  RETURN_IF_ERROR(server->RunStart(""));
  ASSIGN_OR_RETURN(std::string port, ReadLine(dir + "/port"));
  ASSIGN_OR_RETURN(server->config_.port, ParseNumber(dir + "/port", port));
  ASSIGN_OR_RETURN(server->config_.password, ReadLine(dir + "/password"));
  server->config_.host = "127.0.0.1";
  server->config_.user = "root";
  return server;
}

ThrowawayServer::~ThrowawayServer() { (void)RunCommand({TestserverTool(), "stop", dir_}); }

Status ThrowawayServer::CrashAndRestart() {
  ASSIGN_OR_RETURN(pid_t pid, Pid());
  if (::kill(pid, SIGKILL) != 0) return Internal("kill " + std::to_string(pid) + " failed");
  // mariadbd is testserver's child, not ours: wait for it to disappear (bounded).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (::kill(pid, 0) == 0) return Internal("mariadbd " + std::to_string(pid) + " survived SIGKILL");
  return RunStart(std::to_string(config_.port));
}

Result<pid_t> ThrowawayServer::Pid() const {
  ASSIGN_OR_RETURN(std::string text, ReadLine(dir_ + "/mysqld.pid"));
  ASSIGN_OR_RETURN(unsigned pid, ParseNumber(dir_ + "/mysqld.pid", text));
  return static_cast<pid_t>(pid);
}

}  // namespace myvault::it
