// The restore test fixture and its checks.
#include "restore_fixture.h"

#include <algorithm>
#include <regex>

namespace myvault::it {
namespace {

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

Result<ServerState> TakeServerState(TestServer& server, const std::vector<std::string>& databases) {
  ServerState state;
  ASSIGN_OR_RETURN(auto rows, server.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"));
  for (const Row& r : rows) state.databases.push_back(r[0].value_or(""));
  std::sort(state.databases.begin(), state.databases.end());
  std::vector<std::string> present;
  for (const std::string& db : databases) {
    if (std::binary_search(state.databases.begin(), state.databases.end(), db)) {
      present.push_back(db);
    }
  }
  ASSIGN_OR_RETURN(state.watched, TakeFingerprint(server.config(), present));
  return state;
}

std::string DiffStates(const ServerState& before, const ServerState& after) {
  std::string out;
  if (before.databases != after.databases) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    out += "  databases before: " + join(before.databases) + "\n" +
           "  databases after:  " + join(after.databases) + "\n";
  }
  return out + Diff(before.watched, after.watched);
}

Fingerprint RenameInFingerprint(const Fingerprint& fp, std::string_view from, std::string_view to) {
  const std::string quoted_from = QuoteIdent(from), quoted_to = QuoteIdent(to);
  Fingerprint renamed;
  for (const auto& [original_key, original_value] : fp) {
    std::string key = original_key, value = original_value;
    ReplaceAll(&key, quoted_from, quoted_to);
    ReplaceAll(&value, quoted_from, quoted_to);
    renamed[key] = value;
  }
  return renamed;
}

void ExpectRestoreFailure(const CommandResult& result, int exit_code,
                          const std::string& cause_regex) {
  EXPECT_EQ(result.exit_code, exit_code) << result.Describe();
  EXPECT_FALSE(result.timed_out) << result.Describe();
  EXPECT_TRUE(std::regex_match(result.err, std::regex("myvault: error: [^\n]+\n")))
      << "stderr must be exactly one 'myvault: error: ...' line: " << result.Describe();
  EXPECT_TRUE(std::regex_search(
      result.err, std::regex(cause_regex, std::regex::ECMAScript | std::regex::icase)))
      << "stderr should match /" << cause_regex << "/i: " << result.Describe();
}

Result<CommandResult> RestoreTest::Restore(const std::string& archive,
                                           const std::vector<std::string>& args,
                                           const CommandOptions& options) {
  return RestoreWith(target_cnf_, archive, args, options);
}

Result<CommandResult> RestoreTest::RestoreWith(const std::string& cnf, const std::string& archive,
                                               const std::vector<std::string>& args,
                                               const CommandOptions& options) {
  std::vector<std::string> argv = {"restore", archive, "--defaults-file", cnf};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunMyvault(argv, options);
}

Result<std::string> RestoreTest::UnreachableOptionFile() {
  ServerConfig nowhere = target_config_;
  nowhere.host = "127.0.0.1";
  ASSIGN_OR_RETURN(nowhere.port, FreeTcpPort());
  return WriteOptionFile(nowhere, dir_->path(), "nowhere.cnf");
}

Result<std::string> RestoreTest::AccountOptionFile(TestServer& server, const std::string& user,
                                                   const std::string& password,
                                                   const std::string& grants) {
  const std::string account = "'" + user + "'@'%'";
  RETURN_IF_ERROR(server.Exec("DROP USER IF EXISTS " + account + "; CREATE USER " + account +
                              " IDENTIFIED BY '" + password + "'; " + grants));
  ServerConfig config = server.config();
  config.user = user;
  config.password = password;
  return WriteOptionFile(config, dir_->path(), user + ".cnf");
}

Status RestoreTest::DumpArchive(const std::string& archive, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--quiet"};
  all.insert(all.end(), args.begin(), args.end());
  ASSIGN_OR_RETURN(CommandResult r, Dump(archive, all));
  if (r.exit_code != 0) return Internal("dump for the restore test failed: " + r.Describe());
  return Status::Ok();
}

Result<bool> RestoreTest::TargetHasDatabase(const std::string& db) {
  ASSIGN_OR_RETURN(std::string n,
                   target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                       "WHERE SCHEMA_NAME = CONVERT(" +
                                       HexLiteral(db) + " USING utf8mb4)"));
  return n != "0";
}

Result<long> RestoreTest::CommittedChunks(TestServer& server) {
  ASSIGN_OR_RETURN(std::string tables,
                   server.QueryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                     "TABLE_SCHEMA = '_myvault_restore' AND TABLE_NAME = "
                                     "'progress'"));
  if (tables == "0") return -1;
  ASSIGN_OR_RETURN(std::string n, server.QueryValue(std::string("SELECT COUNT(*) FROM ") +
                                                    kJournalDb + ".progress WHERE step = 'chunk'"));
  return std::stol(n);
}

void RestoreTest::ExpectNoJournal() {
  Result<bool> journal = TargetHasDatabase(kJournalDb);
  ASSERT_TRUE(journal.ok()) << journal.status().message();
  EXPECT_FALSE(*journal) << kJournalDb << " is still on the target after the restore";
}

}  // namespace myvault::it
