// The base fixture for tests against the source and target servers.
#include "fixture.h"

namespace myvault::it {

void ServerPairTest::SetUp() {
  ASSERT_OK_AND_ASSIGN(source_config_, SourceServerFromEnv());
  ASSERT_OK_AND_ASSIGN(target_config_, TargetServerFromEnv());
  ASSERT_OK_AND_ASSIGN(source_, TestServer::Connect(source_config_));
  ASSERT_OK_AND_ASSIGN(target_, TestServer::Connect(target_config_));
  ASSERT_OK(CheckDistinctServers(*source_, *target_));
  dir_ = std::make_unique<TempDir>();
  ASSERT_OK_AND_ASSIGN(source_cnf_, WriteOptionFile(source_config_, dir_->path(), "source.cnf"));
  ASSERT_OK_AND_ASSIGN(target_cnf_, WriteOptionFile(target_config_, dir_->path(), "target.cnf"));
  Prepare();
}

Result<CommandResult> ServerPairTest::Dump(const std::string& out,
                                           const std::vector<std::string>& args,
                                           const CommandOptions& options) {
  std::vector<std::string> argv = {"dump", "--defaults-file", source_cnf_, "--output", out};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunMyvault(argv, options);
}

Status ServerPairTest::ReplayIntoTarget(const std::string& archive,
                                        const std::vector<std::string>& databases) {
  for (const std::string& db : databases) {
    RETURN_IF_ERROR(target_->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(db)));
  }
  return ReplayWithMariadbClient(archive, target_cnf_);
}

Result<std::vector<std::string>> ServerPairTest::DatabasesLike(TestServer& server,
                                                               const std::string& pattern) {
  ASSIGN_OR_RETURN(
      auto rows,
      server.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE " +
                   std::string("CONVERT(") + HexLiteral(pattern) +
                   " USING utf8mb4) ORDER BY SCHEMA_NAME"));
  std::vector<std::string> names;
  for (const Row& r : rows) names.push_back(r[0].value_or(""));
  return names;
}

}  // namespace myvault::it
