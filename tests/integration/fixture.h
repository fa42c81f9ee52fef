// ServerPairTest: the base fixture of every integration test that talks to servers. It connects
// to the source (MYVAULT_TEST_*) and the replay target (MYVAULT_TEST2_*), refuses to run when they
// are the same server, and gives each test a scratch directory holding an option file for each.
// Without the environment, SetUp fails with the message from env.cc (never a skip).
//
// Thread safety: gtest fixtures run on the test's thread; background threads in a test open
// their own TestServer from source_config_.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "env.h"
#include "harness.h"
#include "myvault_cli.h"

namespace myvault::it {

class ServerPairTest : public ::testing::Test {
 protected:
  void SetUp() override;  // connects, then calls Prepare() unless that failed
  // Per-suite preparation of the source (tables, corpus); ASSERTs here fail the test.
  virtual void Prepare() {}

  // `myvault dump --defaults-file <source> --output OUT ARGS...`
  Result<CommandResult> Dump(const std::string& out, const std::vector<std::string>& args,
                             const CommandOptions& options = {});
  // Drops `databases` on the target, then replays `archive` into it with the mariadb client.
  Status ReplayIntoTarget(const std::string& archive, const std::vector<std::string>& databases);
  // Names of the databases on `server` matching LIKE `pattern`, sorted.
  Result<std::vector<std::string>> DatabasesLike(TestServer& server, const std::string& pattern);

  ServerConfig source_config_;
  ServerConfig target_config_;
  std::unique_ptr<TestServer> source_;
  std::unique_ptr<TestServer> target_;
  std::unique_ptr<TempDir> dir_;
  std::string source_cnf_;
  std::string target_cnf_;
};

}  // namespace myvault::it
