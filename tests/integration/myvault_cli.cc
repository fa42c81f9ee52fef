// Running myvault and checking the files it leaves behind.
#include "myvault_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <regex>

namespace myvault::it {

std::string MyvaultBinary() {
  const char* override_path = std::getenv("MYVAULT_BINARY");
  return override_path != nullptr && *override_path != '\0' ? override_path : MYVAULT_BINARY;
}

namespace {

// Unsets, before the caller's own changes (which win), every variable myvault reads as a
// default, so that a developer's shell does not leak into a test.
void ScrubEnvironment(CommandOptions* options) {
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  for (const char* var : {"DB_HOST",
                          "DB_PORT",
                          "DB_DATABASE",
                          "DB_USERNAME",
                          "DB_PASSWORD",
                          "DB_PASSWORD_FILE",
                          "MYSQL_HOST",
                          "MYSQL_TCP_PORT",
                          "MYSQL_UNIX_PORT",
                          "MYSQL_PWD",
                          "BACKUP_DIR",
                          "BACKUP_PREFIX",
                          "DAILY_RETENTION",
                          "WEEKLY_RETENTION",
                          "MONTHLY_RETENTION",
                          "MANUAL_RETENTION_DAYS",
                          "NOTIFY_SLACK",
                          "SLACK_WEBHOOK_URL",
                          "BACKUP_SCHEDULE",
                          "BACKUP_MAX_AGE",
                          "BACKUP_COPY_TO",
                          "BACKUP_COPY_COMMAND",
                          "BACKUP_METRICS_FILE"}) {
    env.emplace_back(var, std::nullopt);
  }
  env.insert(env.end(), options->env.begin(), options->env.end());
  options->env = std::move(env);
}

}  // namespace

Result<CommandResult> RunMyvault(const std::vector<std::string>& args, CommandOptions options) {
  std::vector<std::string> argv = {MyvaultBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ScrubEnvironment(&options);
  return RunCommand(argv, options);
}

Result<ChildProcess*> StartMyvault(const std::vector<std::string>& args,
                                   std::unique_ptr<ChildProcess>* holder, CommandOptions options) {
  std::vector<std::string> argv = {MyvaultBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ScrubEnvironment(&options);
  ASSIGN_OR_RETURN(*holder, ChildProcess::Start(argv, options));
  return holder->get();
}

Result<CommandResult> SignalAndWait(ChildProcess& child, int signal, double* seconds) {
  const auto signalled = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(child.Signal(signal));
  CommandResult r = child.Wait();
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  return r;
}

void ExpectCompleteArchive(const std::string& archive, const std::string& sha256_cwd) {
  const std::string full = sha256_cwd.empty() ? archive : sha256_cwd + "/" + archive;
  EXPECT_EQ(FileMode(full), 0600) << full;
  EXPECT_FALSE(PathExists(full + ".partial")) << full << ".partial left behind";
  Result<CommandResult> gz = RunCommand({"gzip", "-t", full});
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  EXPECT_EQ(gz->exit_code, 0) << "gzip -t " << full << ": " << gz->Describe();
  CommandOptions in_dir;
  in_dir.cwd = sha256_cwd;
  Result<CommandResult> sum = RunCommand({"sha256sum", "-c", archive + ".sha256"}, in_dir);
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(sum->exit_code, 0) << "sha256sum -c " << archive << ".sha256: " << sum->Describe();
  Result<std::string> sidecar = ReadFile(full + ".sha256");
  ASSERT_TRUE(sidecar.ok()) << sidecar.status().message();
  EXPECT_TRUE(std::regex_match(*sidecar, std::regex("[0-9a-f]{64}  .+\n")))
      << "not in sha256sum format: " << *sidecar;
  Result<CommandResult> verify = RunMyvault({"verify", full});
  ASSERT_TRUE(verify.ok()) << verify.status().message();
  EXPECT_EQ(verify->exit_code, 0) << "myvault verify: " << verify->Describe();
}

void ExpectCleanFailure(const CommandResult& result, int exit_code, const std::string& cause_regex,
                        const std::string& archive) {
  EXPECT_EQ(result.exit_code, exit_code) << result.Describe();
  EXPECT_FALSE(result.timed_out) << result.Describe();
  const std::regex one_line("myvault: error: [^\n]+\n");
  EXPECT_TRUE(std::regex_match(result.err, one_line))
      << "stderr must be exactly one 'myvault: error: ...' line: " << result.Describe();
  const std::regex cause(cause_regex, std::regex::ECMAScript | std::regex::icase);
  EXPECT_TRUE(std::regex_search(result.err, cause))
      << "stderr should match /" << cause_regex << "/i: " << result.Describe();
  for (const std::string& left : {archive, archive + ".partial", archive + ".sha256"}) {
    EXPECT_FALSE(PathExists(left)) << left << " left behind after a failed dump";
  }
}

Result<std::string> DecompressArchive(const std::string& archive) {
  CommandOptions options;
  ASSIGN_OR_RETURN(CommandResult r, RunCommand({"gzip", "-dc", "--", archive}, options));
  if (r.exit_code != 0) return Corrupt("gzip -dc " + archive + ": " + r.Describe());
  return std::move(r.out);
}

std::vector<std::string> CreatedDatabases(const std::string& sql) {
  // Lines "CREATE DATABASE|SCHEMA [/*!32312 IF NOT EXISTS*/ | IF NOT EXISTS] `name` ...". Scanned
  // by hand: std::regex over a whole dump is slow and recurses per character.
  static const std::regex kHead(R"([ \t]*CREATE[ \t]+(DATABASE|SCHEMA)\b[^`]*)",
                                std::regex::ECMAScript | std::regex::icase);
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t end = sql.find('\n', pos);
    if (end == std::string::npos) end = sql.size();
    const std::string head = sql.substr(pos, std::min<size_t>(end - pos, 200));
    std::smatch m;
    if (std::regex_search(head, m, kHead, std::regex_constants::match_continuous) &&
        static_cast<size_t>(m.length(0)) < head.size()) {
      std::string name;
      for (size_t i = pos + m.length(0) + 1; i < end; ++i) {
        if (sql[i] == '`' && i + 1 < end && sql[i + 1] == '`') {
          name += '`';
          ++i;
        } else if (sql[i] == '`') {
          break;
        } else {
          name += sql[i];
        }
      }
      names.push_back(name);
    }
    pos = end + 1;
  }
  return names;
}

std::vector<ops::BackupFile> BackupsIn(const std::string& dir) {
  Result<std::vector<ops::BackupFile>> files = ops::ListBackups(dir, "myvault");
  EXPECT_TRUE(files.ok()) << files.status().message();
  return files.ok() ? *files : std::vector<ops::BackupFile>{};
}

std::string LatestIn(const std::string& dir) {
  Result<std::optional<std::string>> latest = ops::ReadLatest(dir, "myvault");
  return latest.ok() && latest->has_value() ? **latest : "";
}

}  // namespace myvault::it
