// What the command line says before any work: the top-level help (golden: tests/data/golden/
// help.txt) names mysqldump mode; every subcommand's help lists each environment variable it
// reads; an unknown command and a bad number in the environment get one line naming the cause.
// No server is needed.
#include <gtest/gtest.h>

#include <regex>

#include "harness.h"
#include "myvault_cli.h"

namespace myvault::it {
namespace {

// The text after "Environment" in `help`, joined into one line.
std::string EnvironmentSection(const std::string& help) {
  const size_t at = help.rfind("\nEnvironment");
  if (at == std::string::npos) return "";
  std::string out = help.substr(at + 1);
  for (char& c : out) c = c == '\n' ? ' ' : c;
  return out;
}

TEST(CliHelp, TopLevelHelpMatchesTheGoldenText) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"--help"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string help =
      std::regex_replace(r.out, std::regex("Usage: [^ ]*myvault"), "Usage: myvault",
                         std::regex_constants::format_first_only);
  ASSERT_OK_AND_ASSIGN(std::string golden,
                       ReadFile(std::string(MYVAULT_SOURCE_DIR) + "/tests/data/golden/help.txt"));
  EXPECT_EQ(help, golden) << "update tests/data/golden/help.txt if the change is meant";
  EXPECT_NE(help.find("mysqldump mode"), std::string::npos);
}

TEST(CliHelp, EverySubcommandListsTheEnvironmentItReads) {
  struct Case {
    std::string command;
    std::vector<std::string> reads, not_read;
  };
  const std::vector<std::string> connection = {"DB_HOST",     "DB_PORT",          "DB_USERNAME",
                                               "DB_PASSWORD", "DB_PASSWORD_FILE", "MYSQL_PWD"};
  const std::vector<Case> cases = {
      {"dump",
       {"DB_DATABASE", "BACKUP_ENCRYPT_TO", "BACKUP_PASSPHRASE_FILE"},
       {"BACKUP_DIR", "SLACK_WEBHOOK_URL", "BACKUP_DECRYPT_WITH"}},
      {"restore",
       {"BACKUP_DECRYPT_WITH", "BACKUP_PASSPHRASE_FILE", "BACKUP_DIR", "BACKUP_PREFIX"},
       {"DB_DATABASE", "BACKUP_ENCRYPT_TO", "SLACK_WEBHOOK_URL"}},
      {"binlog",
       {"BACKUP_DIR", "BACKUP_PREFIX", "BINLOG_FLUSH_EVERY", "BINLOG_SERVER_ID", "NOTIFY_SLACK",
        "SLACK_WEBHOOK_URL", "BACKUP_LABEL"},
       {"BACKUP_SCHEDULE", "DB_DATABASE"}},
      {"backup",
       {"DB_DATABASE", "BACKUP_DIR", "BACKUP_PREFIX", "DAILY_RETENTION", "WEEKLY_RETENTION",
        "MONTHLY_RETENTION", "MANUAL_RETENTION_DAYS", "BACKUP_COPY_TO", "BACKUP_COPY_COMMAND",
        "BACKUP_COPY_TIMEOUT", "BACKUP_METRICS_FILE", "NOTIFY_SLACK", "SLACK_WEBHOOK_URL",
        "BACKUP_ENCRYPT_TO", "BACKUP_PASSPHRASE_FILE"},
       {"BACKUP_SCHEDULE"}},
      {"daemon",
       {"BACKUP_SCHEDULE", "BACKUP_DIR", "SLACK_WEBHOOK_URL", "BACKUP_LABEL", "DRILL_SCHEDULE",
        "DRILL_HOST", "DRILL_PORT", "DRILL_USERNAME", "DRILL_PASSWORD", "DRILL_PASSWORD_FILE",
        "DRILL_ON_SOURCE", "BACKUP_ENCRYPT_TO", "BACKUP_DECRYPT_WITH", "BACKUP_BINLOG",
        "BINLOG_FLUSH_EVERY"},
       {}},
      {"monitor",
       {"BACKUP_DIR", "BACKUP_MAX_AGE", "BACKUP_MAX_DRILL_AGE", "BACKUP_REMIND_EVERY",
        "BACKUP_SCHEDULE", "BACKUP_LABEL", "SLACK_WEBHOOK_URL"},
       {"DRILL_SCHEDULE"}},
      {"prune", {"BACKUP_DIR", "DAILY_RETENTION"}, {"DB_HOST", "SLACK_WEBHOOK_URL"}},
      {"status",
       {"BACKUP_DIR", "BACKUP_MAX_AGE", "BACKUP_MAX_DRILL_AGE", "BACKUP_METRICS_FILE",
        "BACKUP_LABEL"},
       {"DB_PASSWORD"}},
  };
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({c.command, "--help"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    const std::string env = EnvironmentSection(r.out);
    ASSERT_FALSE(env.empty()) << c.command << " --help has no Environment section:\n" << r.out;
    std::vector<std::string> reads = c.reads;
    if (c.command != "prune" && c.command != "status" && c.command != "monitor") {
      reads.insert(reads.end(), connection.begin(), connection.end());
    }
    for (const std::string& var : reads) {
      EXPECT_TRUE(std::regex_search(env, std::regex("\\b" + var + "\\b")))
          << c.command << " --help does not list " << var << ": " << env;
    }
    for (const std::string& var : c.not_read) {
      EXPECT_FALSE(std::regex_search(env, std::regex("\\b" + var + "\\b")))
          << c.command << " --help lists " << var << ", which it does not read: " << env;
    }
  }
  // verify reads only what an s3:// archive needs (issue 12).
  ASSERT_OK_AND_ASSIGN(CommandResult verify, RunMyvault({"verify", "--help"}));
  EXPECT_NE(verify.out.find("BACKUP_DECRYPT_WITH"), std::string::npos) << verify.out;
  ASSERT_OK_AND_ASSIGN(CommandResult keygen, RunMyvault({"keygen", "--help"}));
  EXPECT_NE(keygen.out.find("Environment: none is read."), std::string::npos) << keygen.out;
  const std::string verify_env = EnvironmentSection(verify.out);
  EXPECT_TRUE(std::regex_search(verify_env, std::regex("\\bAWS_ACCESS_KEY_ID\\b"))) << verify.out;
  EXPECT_FALSE(std::regex_search(verify_env, std::regex("\\bDB_HOST\\b"))) << verify.out;
}

// The drill and alert flags of issue 16 (golden: tests/data/golden/{daemon,monitor}-help.txt).
TEST(CliHelp, DaemonAndMonitorHelpMatchTheGoldenTexts) {
  for (const std::string command : {"daemon", "monitor"}) {
    ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({command, "--help"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    const std::string help =
        std::regex_replace(r.out, std::regex("Usage: [^ ]*myvault"), "Usage: myvault",
                           std::regex_constants::format_first_only);
    const std::string path =
        std::string(MYVAULT_SOURCE_DIR) + "/tests/data/golden/" + command + "-help.txt";
    ASSERT_OK_AND_ASSIGN(std::string golden, ReadFile(path));
    EXPECT_EQ(help, golden) << "update " << path << " if the change is meant";
  }
}

TEST(CliHelp, UnknownCommandsAndBadNumbersSayWhatIsWrong) {
  ASSERT_OK_AND_ASSIGN(CommandResult bogus, RunMyvault({"bogus"}));
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_EQ(bogus.err,
            "myvault: error: unknown command 'bogus' (commands: dump, verify, restore, backup, "
            "daemon, binlog, prune, list, status, monitor, drill, keygen, mysqldump; see myvault "
            "--help)\n");

  const std::string dir = ::testing::TempDir();
  ASSERT_OK_AND_ASSIGN(CommandResult word, RunMyvault({"prune", "--dir", dir, "--dry-run"},
                                                      {.env = {{"DAILY_RETENTION", "abc"}}}));
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_EQ(word.err,
            "myvault: error: --daily: 'abc' is not a whole number from 0 to 100000 (--daily or "
            "DAILY_RETENTION) (see --help)\n");
  ASSERT_OK_AND_ASSIGN(CommandResult huge,
                       RunMyvault({"prune", "--dir", dir, "--dry-run"},
                                  {.env = {{"WEEKLY_RETENTION", std::string(300, '9')}}}));
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_EQ(huge.err,
            "myvault: error: --weekly: '" + std::string(40, '9') +
                "...' is not a whole number from 0 to 100000 (--weekly or WEEKLY_RETENTION) (see "
                "--help)\n");
  ASSERT_OK_AND_ASSIGN(CommandResult age,
                       RunMyvault({"status", "--dir", dir}, {.env = {{"BACKUP_MAX_AGE", "soon"}}}));
  EXPECT_EQ(age.exit_code, 2);
  EXPECT_EQ(age.err,
            "myvault: error: --max-age: bad duration 'soon' (--max-age or BACKUP_MAX_AGE: a count "
            "and a unit, d, h, m or s, as in 30m, 6h or 1h30m)\n");
}

}  // namespace
}  // namespace myvault::it
