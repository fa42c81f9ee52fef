#include "myvault/mysql/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace myvault::mysql {
namespace {

// A file under $TMPDIR holding `text`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string templ = (std::filesystem::temp_directory_path() / "myvault-opt-XXXXXX").string();
    const int fd = ::mkstemp(templ.data());
    ::close(fd);
    path_ = templ;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(EnvironmentTest, DbVariablesAreDefaults) {
  ConnectionOptions o;
  const Environment env{{{"DB_HOST", "db"},
                         {"DB_PORT", "3310"},
                         {"DB_DATABASE", "shop"},
                         {"DB_USERNAME", "app"},
                         {"DB_PASSWORD", "pw"},
                         {"MYSQL_PWD", "older"}}};
  ASSERT_TRUE(ApplyEnvironmentDefaults(env, &o).ok());
  EXPECT_EQ(o.host, "db");
  EXPECT_EQ(o.port, 3310u);
  EXPECT_EQ(o.database, "shop");
  EXPECT_EQ(o.user, "app");
  EXPECT_EQ(o.password, "pw");
}

TEST(EnvironmentTest, EmptyVariablesAreIgnoredButAnEmptyPasswordCounts) {
  ConnectionOptions o;
  o.host = "keep";
  ASSERT_TRUE(
      ApplyEnvironmentDefaults(Environment{{{"DB_HOST", ""}, {"DB_PASSWORD", ""}}}, &o).ok());
  EXPECT_EQ(o.host, "keep");
  EXPECT_EQ(o.password, "");
}

TEST(EnvironmentTest, MysqlPwdIsTheLastResort) {
  ConnectionOptions o;
  ASSERT_TRUE(ApplyEnvironmentDefaults(Environment{{{"MYSQL_PWD", "legacy"}}}, &o).ok());
  EXPECT_EQ(o.password, "legacy");
  ConnectionOptions none;
  ASSERT_TRUE(ApplyEnvironmentDefaults(Environment{}, &none).ok());
  EXPECT_FALSE(none.password.has_value());
}

TEST(EnvironmentTest, BadPortIsAnErrorNamingTheVariable) {
  ConnectionOptions o;
  const Status s = ApplyEnvironmentDefaults(Environment{{{"DB_PORT", "http"}}}, &o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("DB_PORT"), std::string::npos) << s.message();
}

TEST(EnvironmentTest, PasswordFileLosesOneTrailingNewline) {
  const TempFile file("s3cr et\n\n");
  ConnectionOptions o;
  ASSERT_TRUE(ApplyEnvironmentDefaults(
                  Environment{{{"DB_PASSWORD_FILE", file.path()}, {"MYSQL_PWD", "x"}}}, &o)
                  .ok());
  EXPECT_EQ(o.password, "s3cr et\n");
  const TempFile crlf("pw\r\n");
  ASSERT_TRUE(ApplyEnvironmentDefaults(Environment{{{"DB_PASSWORD_FILE", crlf.path()}}}, &o).ok());
  EXPECT_EQ(o.password, "pw");
}

TEST(EnvironmentTest, PasswordFileProblemsAreErrors) {
  ConnectionOptions o;
  Status s = ApplyEnvironmentDefaults(Environment{{{"DB_PASSWORD_FILE", "/nonexistent/pw"}}}, &o);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/pw"), std::string::npos) << s.message();
  const TempFile file("pw");
  s = ApplyEnvironmentDefaults(
      Environment{{{"DB_PASSWORD_FILE", file.path()}, {"DB_PASSWORD", "pw"}}}, &o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(EnvironmentTest, FromProcessSeesTheProcessEnvironment) {
  ::setenv("MYVAULT_OPTIONS_TEST", "a=b", 1);
  EXPECT_EQ(Environment::FromProcess().Get("MYVAULT_OPTIONS_TEST"), "a=b");
  ::unsetenv("MYVAULT_OPTIONS_TEST");
  EXPECT_EQ(Environment::FromProcess().Get("MYVAULT_OPTIONS_TEST"), std::nullopt);
}

TEST(ResolveTest, CommandLineBeatsFilesBeatEnvironment) {
  const TempFile cnf(
      "[client]\nhost=filehost\nport=2222\npassword=filepw\n[myvault]\nuser=fileuser\n");
  OptionSources sources;
  sources.defaults_file = cnf.path();
  const Environment env{{{"DB_HOST", "envhost"},
                         {"DB_PORT", "1111"},
                         {"DB_USERNAME", "envuser"},
                         {"DB_PASSWORD", "envpw"},
                         {"DB_DATABASE", "envdb"}}};
  ConnectionOptions cli;
  cli.host = "clihost";
  cli.user = "not-given";
  Result<ConnectionOptions> o = ResolveConnectionOptions(cli, {"host"}, sources, env);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->host, "clihost");
  EXPECT_EQ(o->port, 2222u);
  EXPECT_EQ(o->user, "fileuser");
  EXPECT_EQ(o->password, "filepw");
  EXPECT_EQ(o->database, "envdb");
  EXPECT_EQ(o->connect_timeout_s, 10u);

  sources.no_defaults = true;
  sources.defaults_file.reset();
  o = ResolveConnectionOptions(cli, {}, sources, env);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->host, "envhost");
  EXPECT_EQ(o->port, 1111u);
  EXPECT_EQ(o->password, "envpw");
}

TEST(ResolveTest, PromptOnTheCommandLineOverridesAKnownPassword) {
  OptionSources sources;
  sources.no_defaults = true;
  ConnectionOptions cli;
  cli.prompt_password = true;
  Result<ConnectionOptions> o =
      ResolveConnectionOptions(cli, {"password"}, sources, Environment{{{"DB_PASSWORD", "pw"}}});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->prompt_password);
  EXPECT_FALSE(o->password.has_value());
}

TEST(ResolveTest, SslModeIsValidatedAndNamesAreChecked) {
  OptionSources sources;
  sources.no_defaults = true;
  ConnectionOptions cli;
  cli.ssl_mode = "verify_ca";
  Result<ConnectionOptions> o = ResolveConnectionOptions(cli, {"ssl-mode"}, sources, {});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->ssl_mode, "VERIFY_CA");
  cli.ssl_mode = "sometimes";
  EXPECT_EQ(ResolveConnectionOptions(cli, {"ssl-mode"}, sources, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveConnectionOptions(cli, {"hots"}, sources, {}).status().code(),
            StatusCode::kInternal);
}

TEST(DescribeTargetTest, NamesUserAndEndpointButNeverThePassword) {
  ConnectionOptions o;
  o.user = "root";
  o.password = "hunter2";
  o.host = "127.0.0.1";
  o.port = 3306;
  EXPECT_EQ(DescribeTarget(o), "root@127.0.0.1:3306");
  o.port = 0;
  o.host = "::1";
  EXPECT_EQ(DescribeTarget(o), "root@[::1]:3306");
  o.host = "localhost";
  o.socket = "/run/mysqld/mysqld.sock";
  EXPECT_EQ(DescribeTarget(o), "root@localhost via /run/mysqld/mysqld.sock");
  o.host.clear();
  o.socket.clear();
  o.user.clear();
  EXPECT_EQ(DescribeTarget(o), "localhost via the default socket");
  for (const std::string host : {"", "db.example.com"}) {
    o.host = host;
    o.user = "hunter2x";
    EXPECT_EQ(DescribeTarget(o).find("hunter2@"), std::string::npos);
    o.user = "u";
    EXPECT_EQ(DescribeTarget(o).find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace myvault::mysql
