// Server configuration from MYVAULT_TEST_* / MYVAULT_TEST2_*, and the test that fails loudly when
// the suite is run without servers.
#include "env.h"

#include <cstdlib>

namespace myvault::it {
namespace {

std::string Get(std::string_view prefix, std::string_view name) {
  const std::string var = std::string(prefix) + "_" + std::string(name);
  const char* value = std::getenv(var.c_str());
  return value != nullptr ? value : "";
}

}  // namespace

Result<ServerConfig> ServerConfigFromEnv(std::string_view prefix) {
  const std::string p(prefix);
  ServerConfig c;
  c.host = Get(prefix, "HOST");
  c.socket = Get(prefix, "SOCKET");
  if (c.host.empty() && c.socket.empty()) {
    return InvalidArgument(
        p + "_HOST (or " + p +
        "_SOCKET) is not set: the integration tests need real MariaDB "
        "servers. Run them with tools/test, which starts throwaway servers and sets MYVAULT_TEST_* "
        "(source) and MYVAULT_TEST2_* (replay target); or start them yourself with "
        "tools/testserver and export those variables.");
  }
  const std::string port = Get(prefix, "PORT");
  if (!c.host.empty()) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || n == 0 || n > 65535) {
      return InvalidArgument(p + "_PORT must be a TCP port when " + p + "_HOST is set, got '" +
                             port + "' (run the integration tests with tools/test)");
    }
    c.port = static_cast<unsigned>(n);
  }
  c.user = Get(prefix, "USER");
  if (c.user.empty()) c.user = "root";
  c.password = Get(prefix, "PASSWORD");
  const std::string password_file = Get(prefix, "PASSWORD_FILE");
  if (c.password.empty() && !password_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(password_file));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    c.password = text;
  }
  return c;
}

Status CheckDistinctServers(TestServer& source, TestServer& target) {
  const char* kIdentity = "SELECT CONCAT(@@hostname, ':', @@port, ':', @@datadir)";
  ASSIGN_OR_RETURN(std::string a, source.QueryValue(kIdentity));
  ASSIGN_OR_RETURN(std::string b, target.QueryValue(kIdentity));
  if (a == b) {
    return InvalidArgument("MYVAULT_TEST_* and MYVAULT_TEST2_* name the same server (" + a +
                           "): the replay target must be a second, disposable server");
  }
  return Status::Ok();
}

namespace {

// Runs first in the list: without servers this fails with the message that says what to do,
// and so does every fixture below (they all read the same variables).
TEST(IntegrationEnvironment, SourceAndTargetServersAreConfiguredAndDistinct) {
  ASSERT_OK_AND_ASSIGN(ServerConfig source, SourceServerFromEnv());
  ASSERT_OK_AND_ASSIGN(ServerConfig target, TargetServerFromEnv());
  ASSERT_OK_AND_ASSIGN(auto src, TestServer::Connect(source));
  ASSERT_OK_AND_ASSIGN(auto dst, TestServer::Connect(target));
  ASSERT_OK(CheckDistinctServers(*src, *dst));
  ASSERT_OK_AND_ASSIGN(std::string version, src->QueryValue("SELECT VERSION()"));
  EXPECT_NE(version.find("MariaDB"), std::string::npos) << version;
}

}  // namespace
}  // namespace myvault::it
