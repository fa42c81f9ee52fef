// A test's own MariaDB through tools/testserver.
#include "throwaway_server.h"

#include <charconv>

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

Result<std::unique_ptr<ThrowawayServer>> ThrowawayServer::Start(const std::string& dir,
                                                                const std::string& extra_args) {
  CommandOptions options;
  options.timeout = std::chrono::minutes(2);
  options.env.emplace_back("MYVAULT_TESTSERVER_ARGS", extra_args);
  ASSIGN_OR_RETURN(CommandResult r, RunCommand({TestserverTool(), "start", dir}, options));
  // From here on the destructor stops whatever did start.
  std::unique_ptr<ThrowawayServer> server(new ThrowawayServer(dir));
  if (r.exit_code != 0) return Internal("tools/testserver start " + dir + ": " + r.Describe());
  ASSIGN_OR_RETURN(std::string port, ReadLine(dir + "/port"));
  ASSIGN_OR_RETURN(server->config_.port, ParseNumber(dir + "/port", port));
  ASSIGN_OR_RETURN(server->config_.password, ReadLine(dir + "/password"));
  server->config_.host = "127.0.0.1";
  server->config_.user = "root";
  return server;
}

ThrowawayServer::~ThrowawayServer() { (void)RunCommand({TestserverTool(), "stop", dir_}); }

Result<pid_t> ThrowawayServer::Pid() const {
  ASSIGN_OR_RETURN(std::string text, ReadLine(dir_ + "/mysqld.pid"));
  ASSIGN_OR_RETURN(unsigned pid, ParseNumber(dir_ + "/mysqld.pid", text));
  return static_cast<pid_t>(pid);
}

}  // namespace myvault::it
