// Which servers the integration tests use, read from the environment.
//
//   MYVAULT_TEST_HOST / _PORT / _SOCKET / _USER / _PASSWORD or _PASSWORD_FILE   the source server
//   MYVAULT_TEST2_HOST / ... (same names)                                        the replay target
//
// tools/test starts throwaway servers and sets these. When they are missing the tests FAIL with a
// message saying so: an integration suite that silently skips proves nothing.
//
// Thread safety: pure functions of the environment; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

// Reads PREFIX_HOST, PREFIX_PORT, PREFIX_SOCKET, PREFIX_USER, PREFIX_PASSWORD or
// PREFIX_PASSWORD_FILE. Fails naming tools/test when neither host nor socket is set.
Result<ServerConfig> ServerConfigFromEnv(std::string_view prefix);

inline Result<ServerConfig> SourceServerFromEnv() { return ServerConfigFromEnv("MYVAULT_TEST"); }
inline Result<ServerConfig> TargetServerFromEnv() { return ServerConfigFromEnv("MYVAULT_TEST2"); }

// Fails unless `source` and `target` are two different running servers (different datadir or
// port): the tests drop databases on the target, which must never be the source.
Status CheckDistinctServers(TestServer& source, TestServer& target);

}  // namespace myvault::it
