// How `myvault dump` connects: TLS options passed through to the client library (against a
// throwaway server with a throwaway CA), defaults taken from the DB_* environment and their
// priority against option files and the command line, and `-p` without a terminal. In every
// failing case the password must not show on stderr or stdout.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

// The password is never printed, whatever went wrong.
void ExpectSecretHidden(const CommandResult& r, const std::string& secret) {
  ASSERT_FALSE(secret.empty());
  EXPECT_EQ(r.err.find(secret), std::string::npos) << "password on stderr: " << r.Describe();
  EXPECT_EQ(r.out.find(secret), std::string::npos) << "password on stdout: " << r.Describe();
}

// ---- TLS ------------------------------------------------------------------------------------

struct TlsFiles {
  std::string ca, cert, key;  // the CA that signed the server certificate, and the server's pair
  std::string other_ca;       // a CA that signed nothing the server has
};

Status RunOpenssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv));
  if (r.exit_code != 0) return Internal("openssl " + args[0] + ": " + r.Describe());
  return Status::Ok();
}

// A CA, a server certificate it signs for CN=127.0.0.1 with subjectAltName IP:127.0.0.1 (RSA
// 2048), and an unrelated second CA.
Result<TlsFiles> MakeTlsFiles(const TempDir& dir) {
  const TlsFiles f{dir.Join("ca.pem"), dir.Join("server.pem"), dir.Join("server.key"),
                   dir.Join("other-ca.pem")};
  const std::string ext = dir.Join("server.ext");
  RETURN_IF_ERROR(WriteFile(ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"));
  RETURN_IF_ERROR(
      RunOpenssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                  "/CN=myvault test CA", "-keyout", dir.Join("ca.key"), "-out", f.ca}));
  RETURN_IF_ERROR(RunOpenssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                              "-keyout", f.key, "-out", dir.Join("server.csr")}));
  RETURN_IF_ERROR(RunOpenssl({"x509", "-req", "-in", dir.Join("server.csr"), "-CA", f.ca, "-CAkey",
                              dir.Join("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", ext,
                              "-out", f.cert}));
  RETURN_IF_ERROR(
      RunOpenssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                  "/CN=some other CA", "-keyout", dir.Join("other-ca.key"), "-out", f.other_ca}));
  return f;
}

constexpr char kTlsDatabase[] = "mv_tls_db";
constexpr char kTlsPassword[] = "Tls-pw-9fQ2-never-printed";

// Keys, certificates and a server using them: made once for the suite (they take seconds).
// Members are destroyed in reverse order: the server stops before its directory goes.
struct TlsWorld {
  TempDir dir;
  TlsFiles files;
  std::unique_ptr<ThrowawayServer> server;
  ServerConfig user;  // mv_tls@127.0.0.1, REQUIRE SSL, with its password

  Status Build() {
    ASSIGN_OR_RETURN(files, MakeTlsFiles(dir));
    // The second address lets a test reach the server by an IP its certificate does not name.
    const std::string args = "--ssl-ca=" + files.ca + " --ssl-cert=" + files.cert +
                             " --ssl-key=" + files.key + " --bind-address=127.0.0.1,127.0.0.2";
    ASSIGN_OR_RETURN(server, ThrowawayServer::Start(dir.Join("server"), args));
    ASSIGN_OR_RETURN(auto root, TestServer::Connect(server->config()));
    ASSIGN_OR_RETURN(std::string have_ssl, root->QueryValue("SELECT @@have_ssl"));
    if (have_ssl != "YES") {
      return Internal("the TLS server did not load its certificates (have_ssl=" + have_ssl +
                      "); see " + dir.Join("server/error.log"));
    }
    RETURN_IF_ERROR(
        root->Exec(std::string("CREATE USER mv_tls@'%' IDENTIFIED BY '") + kTlsPassword +
                   "' REQUIRE SSL; GRANT ALL PRIVILEGES ON *.* TO mv_tls@'%'; CREATE DATABASE " +
                   kTlsDatabase + "; CREATE TABLE " + kTlsDatabase +
                   ".t (id INT PRIMARY KEY); INSERT INTO " + kTlsDatabase + ".t VALUES (1), (2)"));
    user = server->config();
    user.user = "mv_tls";
    user.password = kTlsPassword;
    return Status::Ok();
  }
};

class TlsConnection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::make_unique<TlsWorld>();
    setup_ = world_->Build();
  }
  static void TearDownTestSuite() { world_.reset(); }

  void SetUp() override {
    ASSERT_OK(setup_);
    scratch_ = std::make_unique<TempDir>();
    archive_ = scratch_->Join("tls.sql.gz");
    ASSERT_OK_AND_ASSIGN(cnf_, WriteOptionFile(world_->user, scratch_->path(), "tls.cnf"));
  }

  // `myvault dump --defaults-file CNF --output ARCHIVE --quiet --databases mv_tls_db ARGS...`
  Result<CommandResult> DumpWith(const std::string& cnf, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"dump",   "--defaults-file", cnf,           "--output",
                                     archive_, "--quiet",         "--databases", kTlsDatabase};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv);
  }

  // A dump that worked, of exactly the TLS test database.
  void ExpectTlsDump(const CommandResult& r) {
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectCompleteArchive(archive_);
    ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
    EXPECT_EQ(CreatedDatabases(sql), std::vector<std::string>{kTlsDatabase});
  }

  static inline std::unique_ptr<TlsWorld> world_;
  static inline Status setup_;
  std::unique_ptr<TempDir> scratch_;
  std::string archive_;
  std::string cnf_;  // [client] user, password, host 127.0.0.1 and port of mv_tls
};

TEST_F(TlsConnection, VerifyCaWithTheSigningCaDumps) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(cnf_, {"--ssl-ca", world_->files.ca, "--ssl-mode", "VERIFY_CA"}));
  ExpectTlsDump(r);
}

TEST_F(TlsConnection, VerifyIdentityWithTheSigningCaDumps) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {"--ssl-ca", world_->files.ca, "--ssl-mode",
                                                        "VERIFY_IDENTITY"}));
  ExpectTlsDump(r);
}

// As in mysql: REQUIRED without a CA encrypts but checks no certificate.
TEST_F(TlsConnection, RequiredWithoutACaEncryptsWithoutVerifying) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {"--ssl-mode", "REQUIRED"}));
  ExpectTlsDump(r);
}

// Connector/C 3.3 does not try TLS unless asked: the REQUIRE SSL account is refused.
TEST_F(TlsConnection, WithoutTlsOptionsTheConnectionIsPlainAndRefused) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {}));
  ExpectCleanFailure(r, kExitConnection, "access denied", archive_);
  ExpectSecretHidden(r, kTlsPassword);
}

TEST_F(TlsConnection, SslModeDisabledIsPlainAndRefused) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {"--ssl-mode", "DISABLED"}));
  ExpectCleanFailure(r, kExitConnection, "access denied", archive_);
  ExpectSecretHidden(r, kTlsPassword);
}

// The password given as -pSECRET this time: it must not come back in the error either.
TEST_F(TlsConnection, VerifyCaWithAnotherCaIsRefused) {
  ServerConfig no_password = world_->user;
  no_password.password.clear();
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(no_password, scratch_->path(), "nopw.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(cnf, {std::string("-p") + kTlsPassword, "--ssl-ca",
                                      world_->files.other_ca, "--ssl-mode", "VERIFY_CA"}));
  ExpectCleanFailure(r, kExitConnection, "certificate", archive_);
  ExpectSecretHidden(r, kTlsPassword);
}

// A CA in an option file must not override an explicit DISABLED on the command line.
TEST_F(TlsConnection, SslModeDisabledWinsOverACa) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(cnf_, {"--ssl-ca", world_->files.ca, "--ssl-mode", "DISABLED"}));
  ExpectCleanFailure(r, kExitConnection, "access denied", archive_);
}

// VERIFY_CA checks the chain, not the name: reaching the server by an address its certificate
// does not name (a tunnel, a load balancer) works, unlike VERIFY_IDENTITY below.
TEST_F(TlsConnection, VerifyCaAcceptsAnAddressTheCertificateDoesNotName) {
  ServerConfig elsewhere = world_->user;
  elsewhere.host = "127.0.0.2";
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(elsewhere, scratch_->path(), "ip2ca.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(cnf, {"--ssl-ca", world_->files.ca, "--ssl-mode", "VERIFY_CA"}));
  ExpectTlsDump(r);
}

// PREFERRED uses TLS when the server offers it: the REQUIRE SSL account gets in.
TEST_F(TlsConnection, PreferredUsesTlsWhenOffered) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {"--ssl-mode", "PREFERRED"}));
  ExpectTlsDump(r);
}

// Verifying needs something to verify against.
TEST_F(TlsConnection, VerifyCaWithoutACaIsAUsageError) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf_, {"--ssl-mode", "VERIFY_CA"}));
  ExpectCleanFailure(r, kExitUsage, "ssl-ca", archive_);
}

TEST_F(TlsConnection, VerifyIdentityRefusesAnAddressTheCertificateDoesNotName) {
  ServerConfig elsewhere = world_->user;
  elsewhere.host = "127.0.0.2";
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(elsewhere, scratch_->path(), "ip2.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf, {"--ssl-ca", world_->files.ca, "--ssl-mode",
                                                       "VERIFY_IDENTITY"}));
  ExpectCleanFailure(r, kExitConnection, "certificate", archive_);
  ExpectSecretHidden(r, kTlsPassword);
}

// ssl-ca and ssl-mode in an option file reach the library too: its CA decides.
TEST_F(TlsConnection, TlsSettingsFromTheOptionFileAreUsed) {
  for (const std::string& ca : {world_->files.ca, world_->files.other_ca}) {
    SCOPED_TRACE("ssl-ca=" + ca);
    ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(cnf_));
    const std::string cnf = scratch_->Join("tls-in-file.cnf");
    ASSERT_OK(WriteFile(cnf, text + "ssl-ca=" + ca + "\nssl-mode=VERIFY_IDENTITY\n"));
    ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf, {}));
    if (ca == world_->files.ca) {
      ExpectTlsDump(r);
      ASSERT_EQ(unlink(archive_.c_str()), 0);
      ASSERT_EQ(unlink((archive_ + ".sha256").c_str()), 0);
    } else {
      ExpectCleanFailure(r, kExitConnection, "certificate", archive_);
      ExpectSecretHidden(r, kTlsPassword);
    }
  }
}

// ---- The environment and the password prompt ------------------------------------------------

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Sets `name` in *vars, replacing an earlier value.
void SetVar(EnvVars* vars, const std::string& name, const std::string& value) {
  for (auto& [n, v] : *vars) {
    if (n == name) {
      v = value;
      return;
    }
  }
  vars->emplace_back(name, value);
}

class ConnectionDefaults : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_FALSE(source_config_.host.empty() || source_config_.port == 0)
        << "these tests reach the source over TCP: set MYVAULT_TEST_HOST and MYVAULT_TEST_PORT";
    for (const char* db : {"mv_conn_a", "mv_conn_b"}) {
      ASSERT_OK(source_->Exec(
          std::string("CREATE DATABASE IF NOT EXISTS ") + db + "; CREATE TABLE IF NOT EXISTS " +
          db + ".t (id INT PRIMARY KEY); INSERT IGNORE INTO " + db + ".t VALUES (1)"));
    }
    home_ = dir_->Join("home");
    ASSERT_EQ(mkdir(home_.c_str(), 0700), 0) << std::strerror(errno);
    password_file_ = dir_->Join("db-password");
    ASSERT_OK(WriteFile(password_file_, source_config_.password + "\n"));
    ASSERT_OK_AND_ASSIGN(dead_port_, FreeTcpPort());
    archive_ = dir_->Join("env.sql.gz");
  }

  // DB_HOST, DB_PORT, DB_USERNAME for the source, and DB_PASSWORD_FILE or else DB_PASSWORD.
  EnvVars SourceVars(bool password_file) const {
    return {{"DB_HOST", source_config_.host},
            {"DB_PORT", std::to_string(source_config_.port)},
            {"DB_USERNAME", source_config_.user},
            password_file
                ? std::pair<std::string, std::string>("DB_PASSWORD_FILE", password_file_)
                : std::pair<std::string, std::string>("DB_PASSWORD", source_config_.password)};
  }

  // `myvault dump --output ARCHIVE --quiet ARGS...` with no option file of ours: HOME is an empty
  // directory, and of the variables myvault or the client library read only `vars` are set.
  // `without_terminal`: under `setsid -w`, so the child has no controlling terminal.
  Result<CommandResult> DumpWithEnv(const EnvVars& vars, const std::vector<std::string>& args,
                                    bool without_terminal = false) {
    CommandOptions options;
    for (const char* name :
         {"DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD", "DB_PASSWORD_FILE",
          "MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", "MYSQL_PWD", "MYSQL_HOME"}) {
      options.env.emplace_back(name, std::nullopt);
    }
    options.env.emplace_back("HOME", home_);
    for (const auto& [name, value] : vars) options.env.emplace_back(name, value);
    std::vector<std::string> argv;
    if (without_terminal) argv = {"setsid", "-w"};
    argv.insert(argv.end(), {MyvaultBinary(), "dump", "--output", archive_, "--quiet"});
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, options);
  }

  // A dump that worked, of exactly `databases`.
  void ExpectDumpOf(const CommandResult& r, const std::vector<std::string>& databases) {
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectCompleteArchive(archive_);
    ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
    EXPECT_EQ(CreatedDatabases(sql), databases);
  }

  std::string home_;
  std::string password_file_;
  unsigned dead_port_ = 0;
  std::string archive_;
};

TEST_F(ConnectionDefaults, HostPortUserAndPasswordFileFromTheEnvironmentAreEnough) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWithEnv(SourceVars(true), {"--databases", "mv_conn_a"}));
  ExpectDumpOf(r, {"mv_conn_a"});
}

TEST_F(ConnectionDefaults, DbPasswordInsteadOfAFileIsEnough) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWithEnv(SourceVars(false), {"--databases", "mv_conn_a"}));
  ExpectDumpOf(r, {"mv_conn_a"});
}

TEST_F(ConnectionDefaults, DbDatabaseNarrowsADefaultDump) {
  EnvVars vars = SourceVars(true);
  SetVar(&vars, "DB_DATABASE", "mv_conn_b");
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWithEnv(vars, {}));
  ExpectDumpOf(r, {"mv_conn_b"});
}

TEST_F(ConnectionDefaults, DatabasesOnTheCommandLineBeatDbDatabase) {
  EnvVars vars = SourceVars(true);
  SetVar(&vars, "DB_DATABASE", "mv_conn_b");
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWithEnv(vars, {"--databases", "mv_conn_a"}));
  ExpectDumpOf(r, {"mv_conn_a"});
}

// DB_PORT is really used (a dead one fails), and -P on the command line overrides it.
TEST_F(ConnectionDefaults, CommandLinePortBeatsDbPort) {
  EnvVars vars = SourceVars(false);
  SetVar(&vars, "DB_PORT", std::to_string(dead_port_));
  ASSERT_OK_AND_ASSIGN(CommandResult dead, DumpWithEnv(vars, {"--databases", "mv_conn_a"}));
  ExpectCleanFailure(dead, kExitConnection, "connect|refused", archive_);
  ExpectSecretHidden(dead, source_config_.password);
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      DumpWithEnv(vars, {"-P", std::to_string(source_config_.port), "--databases", "mv_conn_a"}));
  ExpectDumpOf(r, {"mv_conn_a"});
}

// ~/.my.cnf, found through HOME, wins over every DB_* variable, all of them wrong here.
TEST_F(ConnectionDefaults, AnOptionFileBeatsTheEnvironment) {
  ASSERT_OK(WriteOptionFile(source_config_, home_, ".my.cnf").status());
  const EnvVars wrong = {{"DB_HOST", "127.0.0.2"},
                         {"DB_PORT", std::to_string(dead_port_)},
                         {"DB_USERNAME", "mv_no_such_user"},
                         {"DB_PASSWORD", "wrong-" + source_config_.password}};
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWithEnv(wrong, {"--databases", "mv_conn_a"}));
  ExpectDumpOf(r, {"mv_conn_a"});
}

TEST_F(ConnectionDefaults, AWrongDbPasswordIsAccessDeniedAndNotPrinted) {
  EnvVars vars = SourceVars(false);
  const std::string wrong = "wrong-" + source_config_.password;
  SetVar(&vars, "DB_PASSWORD", wrong);
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWithEnv(vars, {"--databases", "mv_conn_a"}));
  ExpectCleanFailure(r, kExitConnection, "access denied", archive_);
  ExpectSecretHidden(r, wrong);
}

TEST_F(ConnectionDefaults, DbPasswordAndDbPasswordFileTogetherAreAUsageError) {
  EnvVars vars = SourceVars(true);
  SetVar(&vars, "DB_PASSWORD", source_config_.password);
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWithEnv(vars, {"--databases", "mv_conn_a"}));
  ExpectCleanFailure(r, kExitUsage, "DB_PASSWORD and DB_PASSWORD_FILE", archive_);
  ExpectSecretHidden(r, source_config_.password);
}

// `-p`/`--password` alone asks on the terminal, even with DB_PASSWORD set; without one it is a
// usage error that says so, before any connection.
TEST_F(ConnectionDefaults, PasswordFlagWithoutAValueNeedsATerminal) {
  const EnvVars vars = SourceVars(false);
  for (const char* flag : {"-p", "--password"}) {
    SCOPED_TRACE(flag);
    ASSERT_OK_AND_ASSIGN(CommandResult r,
                         DumpWithEnv(vars, {flag, "--databases", "mv_conn_a"}, true));
    ExpectCleanFailure(r, kExitUsage, "terminal", archive_);
    ExpectSecretHidden(r, source_config_.password);
    EXPECT_LT(r.seconds, 10) << "it must fail at once, not wait for input";
  }
}

}  // namespace
}  // namespace myvault::it
