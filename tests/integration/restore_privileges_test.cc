// The restoring account's privileges are checked before the confirmation: an account without
// what the archive needs (the backup account, typically) is refused with exit 3 and one line
// naming what is missing, before the confirmation is shown and with nothing changed; the
// README's minimal MariaDB grants are enough. Before, the restore asked for CONFIRMO RESTORE and
// failed only afterwards, at the first statement the account could not run.
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rpriv";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rpriv; CREATE DATABASE mv_rpriv; USE mv_rpriv;
CREATE TABLE mv_rpriv.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO mv_rpriv.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_500;
CREATE TABLE mv_rpriv.audit (id INT AUTO_INCREMENT PRIMARY KEY, t_id INT) ENGINE=InnoDB;
CREATE VIEW mv_rpriv.v AS SELECT id FROM mv_rpriv.t WHERE id < 10;
CREATE PROCEDURE mv_rpriv.p() SELECT COUNT(*) FROM mv_rpriv.t;
CREATE TRIGGER mv_rpriv.trg AFTER INSERT ON mv_rpriv.t FOR EACH ROW
  INSERT INTO mv_rpriv.audit (t_id) VALUES (NEW.id);
)sql";

// What a backup account holds (dump and backup): reading, not writing.
constexpr char kBackupGrants[] = R"sql(
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, BINLOG MONITOR
  ON *.* TO 'mv_rpriv_backup'@'%';
)sql";

// README "Privileges", restore on MariaDB, with `shop` replaced by the test's database.
constexpr char kReadmeRestoreGrants[] = R"sql(
GRANT SELECT, INSERT, CREATE, DROP, ALTER, CREATE VIEW, TRIGGER, CREATE ROUTINE, ALTER ROUTINE,
  EVENT ON `mv_rpriv`.* TO 'mv_rpriv_restore'@'%';
GRANT SELECT, INSERT, DELETE, CREATE, DROP ON `\_myvault\_restore`.* TO 'mv_rpriv_restore'@'%';
GRANT PROCESS, BINLOG ADMIN, SET USER ON *.* TO 'mv_rpriv_restore'@'%';
)sql";

class RestorePrivileges : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(
        target_->Exec("DROP DATABASE IF EXISTS mv_rpriv; CREATE DATABASE mv_rpriv; "
                      "CREATE TABLE mv_rpriv.keep (id INT PRIMARY KEY); "
                      "INSERT INTO mv_rpriv.keep VALUES (42); "
                      "DROP DATABASE IF EXISTS _myvault_restore"));
    ASSERT_OK_AND_ASSIGN(
        backup_cnf_, AccountOptionFile(*target_, "mv_rpriv_backup", "backup-pw", kBackupGrants));
    ASSERT_OK_AND_ASSIGN(restore_cnf_, AccountOptionFile(*target_, "mv_rpriv_restore", "restore-pw",
                                                         kReadmeRestoreGrants));
    archive_ = dir_->Join("priv.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kDb}));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kDb}));
  }

  void TearDown() override {
    EXPECT_OK(target_->Exec("SET GLOBAL log_bin_trust_function_creators = OFF"));
    EXPECT_OK(
        target_->Exec("DROP USER IF EXISTS 'mv_rpriv_backup'@'%', "
                      "'mv_rpriv_restore'@'%'"));
  }

  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "a refused restore changed the target";
  }

  std::string archive_;
  ServerState before_;
  std::string backup_cnf_, restore_cnf_;
};

TEST_F(RestorePrivileges, BackupAccountIsRefusedBeforeTheConfirmationNamingWhatIsMissing) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RestoreWith(backup_cnf_, archive_, {"--yes", "--progress", "lines"}));
  EXPECT_EQ(r.exit_code, kExitConnection) << r.Describe();
  EXPECT_EQ(r.err.find("Restore " + archive_), std::string::npos)
      << "the confirmation was shown before the privileges were checked:\n"
      << r.err;
  ASSERT_OK_AND_ASSIGN(CommandResult quiet,
                       RestoreWith(backup_cnf_, archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(quiet, kExitConnection,
                       "the account mv_rpriv_backup@% lacks privileges this restore needs: "
                       "INSERT, CREATE, DROP, CREATE VIEW, CREATE ROUTINE, ALTER ROUTINE on "
                       "`mv_rpriv`; INSERT, DELETE, CREATE, DROP on `_myvault_restore` "
                       "\\(the progress journal\\); SET USER or SUPER \\(objects of the archive "
                       "are defined by root@[^)]+\\); SUPER, or log_bin_trust_function_creators=ON"
                       ".*nothing was changed on the target");
  ExpectTargetUntouched();
}

// With a binary log, triggers and stored functions also need SUPER or
// log_bin_trust_function_creators: said before anything changes, not after the tables are in.
TEST_F(RestorePrivileges, TriggersWithABinaryLogNeedSuperOrTrustedFunctionCreators) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(restore_cnf_, archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitConnection,
                       "lacks privileges this restore needs: SUPER, or "
                       "log_bin_trust_function_creators=ON on the server .*nothing was changed");
  ExpectTargetUntouched();
}

TEST_F(RestorePrivileges, ReadmeGrantsAreEnough) {
  // The README says: with a binary log and triggers or functions in the archive, set this (or
  // grant SUPER).
  ASSERT_OK(target_->Exec("SET GLOBAL log_bin_trust_function_creators = ON"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(restore_cnf_, archive_, {"--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
  EXPECT_EQ(Diff(want, got), "");
  ExpectNoJournal();
}

}  // namespace
}  // namespace myvault::it
