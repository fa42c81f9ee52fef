// How an existing mysqldump cron line reaches myvault: an option file with [client] credentials
// and a [mysqldump] group, and the binary invoked through a symlink named mysqldump or
// mariadb-dump.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kUser[] = "mv_mysqldump_user";

class MysqldumpInvocation : public MysqldumpTest {
 protected:
  void Prepare() override { ASSERT_OK(LoadFormatDatabase(*source_)); }

  // The dump is complete and holds kFormatDb's table t.
  static void ExpectDumpOfT(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(InsertedIds(r.out, "t"), (std::vector<long long>{1, 2, 3, 4, 5})) << r.Describe();
    EXPECT_EQ(LastNonEmptyLine(r.out).rfind("-- Dump completed", 0), 0u) << r.Describe();
  }
};

// [client] gives a password account on the socket (no host, no port); [mysqldump] gives
// single-transaction and skip-add-locks, the way a cron job's ~/.my.cnf does. The account may
// not LOCK TABLES, which a dump without --single-transaction would use.
TEST_F(MysqldumpInvocation, DefaultsFileClientAndMysqldumpGroups) {
  ASSERT_FALSE(source_config_.socket.empty()) << "this test needs MYVAULT_TEST_SOCKET";
  const std::string account = std::string("'") + kUser + "'@'localhost'";
  ASSERT_OK(source_->Exec("DROP USER IF EXISTS " + account + "; CREATE USER " + account +
                          " IDENTIFIED BY 'pw with spaces#x'; GRANT ALL ON *.* TO " + account +
                          "; REVOKE LOCK TABLES ON *.* FROM " + account));
  const std::string cnf = dir_->Join("my.cnf");
  ASSERT_OK(WriteFile(cnf, std::string("# a cron job's option file\n[client]\nuser=") + kUser +
                               "\npassword=\"pw with spaces#x\"\nsocket=" + source_config_.socket +
                               "\n\n[mysql]\nno-auto-rehash\n\n[mysqldump]\nsingle-transaction\n"
                               "skip-add-locks\n"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunMysqldumpMode({"--defaults-file=" + cnf, kFormatDb, "t"}));
  ExpectDumpOfT(r);
  EXPECT_EQ(r.out.find("LOCK TABLES"), std::string::npos) << "[mysqldump] skip-add-locks ignored";

  // The password in the file is what let it in.
  ASSERT_OK(WriteFile(cnf, std::string("[client]\nuser=") + kUser +
                               "\npassword=wrong\nsocket=" + source_config_.socket + "\n"));
  ASSERT_OK_AND_ASSIGN(CommandResult denied,
                       RunMysqldumpMode({"--defaults-file=" + cnf, kFormatDb, "t"}));
  EXPECT_EQ(denied.exit_code, 2) << denied.Describe();
  EXPECT_OK(source_->Exec("DROP USER " + account));
}

// --defaults-extra-file is read after the usual option files (HOME points to an empty directory,
// so no ~/.my.cnf); the command line wins over it.
TEST_F(MysqldumpInvocation, DefaultsExtraFileAndCommandLineOverride) {
  ASSERT_OK_AND_ASSIGN(std::string extra,
                       WriteOptionFile(source_config_, dir_->path(), "extra.cnf"));
  ASSERT_OK_AND_ASSIGN(std::string client, ReadFile(extra));
  ASSERT_OK(WriteFile(extra, client + "[mysqldump]\nskip-extended-insert\nno-data\n"));
  CommandOptions no_home;
  no_home.env.emplace_back("HOME", dir_->path());
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunMysqldumpMode({"--defaults-extra-file=" + extra, kFormatDb, "t"}, no_home));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("CREATE TABLE `t`"), std::string::npos) << r.Describe();
  EXPECT_EQ(r.out.find("INSERT INTO"), std::string::npos) << "[mysqldump] no-data ignored";
  ASSERT_OK_AND_ASSIGN(
      r, RunMysqldumpMode({"--defaults-extra-file=" + extra, "--skip-no-data", kFormatDb, "t"},
                          no_home));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(LinesStartingWith(r.out, "INSERT INTO `t` VALUES (").size(), 5u)
      << "--skip-no-data on the command line should win, skip-extended-insert from the file "
         "stay: "
      << r.Describe();
}

class MysqldumpSymlink : public MysqldumpInvocation,
                         public ::testing::WithParamInterface<const char*> {};

TEST_P(MysqldumpSymlink, InvokedByThatNameActsAsMysqldump) {
  const std::string link = dir_->Join(GetParam());
  ASSERT_EQ(symlink(MyvaultBinary().c_str(), link.c_str()), 0) << std::strerror(errno);
  CommandOptions options;
  options.env.emplace_back("MYSQL_PWD", std::nullopt);
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunCommand({link, "--defaults-file=" + source_cnf_,
                                                    "--single-transaction", kFormatDb, "t"},
                                                   options));
  ExpectDumpOfT(r);

  // Through PATH, as a cron line would run it.
  options.env.emplace_back("PATH", dir_->path() + ":/usr/bin:/bin");
  ASSERT_OK_AND_ASSIGN(r, RunCommand({"bash", "-c", std::string(GetParam()) + " \"$@\"", "sh",
                                      "--defaults-file=" + source_cnf_, kFormatDb, "t"},
                                     options));
  ExpectDumpOfT(r);
}

INSTANTIATE_TEST_SUITE_P(Names, MysqldumpSymlink, ::testing::Values("mysqldump", "mariadb-dump"),
                         [](const auto& info) {
                           return std::string(info.param) == "mysqldump" ? "mysqldump"
                                                                         : "mariadb_dump";
                         });

}  // namespace
}  // namespace myvault::it
