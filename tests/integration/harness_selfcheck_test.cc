// Checks of the harness itself, so that "fingerprints equal" means something:
//  - the corpus is deterministic (loaded afresh on the target it fingerprints like the source);
//  - the fingerprint notices one changed byte, one float ulp, NULL vs 'NULL', an AUTO_INCREMENT
//    counter and a trigger body, and names exactly the object that changed;
//  - a real dumper (mariadb-dump) replayed through the mariadb client reproduces the corpus except
//    for the one documented loss: FLOAT columns printed with 6 significant digits.
#include <cmath>
#include <cstdio>

#include "corpus.h"
#include "fingerprint.h"
#include "fixture.h"

namespace myvault::it {
namespace {

class HarnessSelfCheck : public ServerPairTest {
 protected:
  void Prepare() override { ASSERT_OK_AND_ASSIGN(corpus_, EnsureEdgeCaseCorpus(*source_)); }

  std::string Table(const char* name) const { return QualifiedName(kCorpusDb, name); }
  std::string Key(const char* kind, const char* name, const char* part = "") const {
    std::string key = std::string(kind) + " " + Table(name);
    return *part ? key + " " + part : key;
  }

  // Applies `change`, expects exactly `expected_keys` to differ from the corpus, applies `undo`
  // and expects the fingerprint to be back to the corpus's.
  void ExpectChangeDetected(const std::string& change, const std::string& undo,
                            const std::vector<std::string>& expected_keys) {
    ASSERT_OK(source_->Exec(change));
    Result<Fingerprint> changed = TakeFingerprint(source_config_, CorpusDatabases());
    Status undone = source_->Exec(undo);
    ASSERT_TRUE(changed.ok()) << changed.status().message();
    EXPECT_EQ(DifferingKeys(corpus_, *changed), expected_keys) << Diff(corpus_, *changed);
    ASSERT_OK(undone);
    ASSERT_OK_AND_ASSIGN(Fingerprint back, TakeFingerprint(source_config_, CorpusDatabases()));
    EXPECT_EQ(Diff(corpus_, back), "") << "undo did not restore the corpus";
  }

  Fingerprint corpus_;
};

TEST_F(HarnessSelfCheck, FingerprintIsStableAndTheCorpusIsDeterministic) {
  ASSERT_OK_AND_ASSIGN(Fingerprint again, TakeFingerprint(source_config_, CorpusDatabases()));
  EXPECT_EQ(Diff(corpus_, again), "");
  EXPECT_GT(corpus_.size(), 100u) << "the corpus should hold many objects";

  ASSERT_OK(LoadEdgeCaseCorpus(*target_));
  ASSERT_OK_AND_ASSIGN(Fingerprint fresh, TakeFingerprint(target_config_, CorpusDatabases()));
  EXPECT_EQ(Diff(corpus_, fresh), "") << "loading the corpus twice must give the same objects";
}

TEST_F(HarnessSelfCheck, NoticesOneChangedByte) {
  // The 256-byte value holds byte i at offset i: offset 100 (SQL position 101) is 0x64.
  ExpectChangeDetected(
      "UPDATE " + Table(kBinaryTable) + " SET vb = INSERT(vb, 101, 1, X'65') WHERE id = 1",
      "UPDATE " + Table(kBinaryTable) + " SET vb = INSERT(vb, 101, 1, X'64') WHERE id = 1",
      {Key("table", kBinaryTable, "checksum"), Key("table", kBinaryTable, "data")});
}

TEST_F(HarnessSelfCheck, NoticesACaseChangeTheCollationIgnores) {
  ASSERT_OK_AND_ASSIGN(std::string same, source_->QueryValue("SELECT 'NULL' = 'NULl'"));
  ASSERT_EQ(same, "1") << "utf8mb4_general_ci compares case-insensitively";
  ExpectChangeDetected("UPDATE " + Table("strings") + " SET s = 'NULl' WHERE id = 7",
                       "UPDATE " + Table("strings") + " SET s = 'NULL' WHERE id = 7",
                       {Key("table", "strings", "checksum"), Key("table", "strings", "data")});
}

TEST_F(HarnessSelfCheck, NoticesNullBecomingTheStringNull) {
  ExpectChangeDetected("UPDATE " + Table("strings") + " SET t = 'NULL' WHERE id = 8",
                       "UPDATE " + Table("strings") + " SET t = NULL WHERE id = 8",
                       {Key("table", "strings", "checksum"), Key("table", "strings", "data")});
}

TEST_F(HarnessSelfCheck, NoticesOneUlpInAFloatAndADouble) {
  const float f = 1.00000012f;
  const float f_next = std::nextafter(f, 2.0f);
  char f_text[32], f_next_text[32];
  std::snprintf(f_text, sizeof f_text, "%.9g", f);
  std::snprintf(f_next_text, sizeof f_next_text, "%.9g", f_next);
  // The server prints both as "1": only col+0e0 tells them apart.
  ASSERT_OK_AND_ASSIGN(
      std::string shown,
      source_->QueryValue("SELECT f FROM " + Table(kFloatTable) + " WHERE id = 1"));
  EXPECT_EQ(shown, "1");
  const std::string set = "UPDATE " + Table(kFloatTable) + " SET f = ";
  ExpectChangeDetected(set + f_next_text + " WHERE id = 1", set + f_text + " WHERE id = 1",
                       {Key("table", kFloatTable, "checksum"), Key("table", kFloatTable, "data")});
  const std::string set_d = "UPDATE " + Table(kFloatTable) + " SET d = ";
  ExpectChangeDetected(set_d + "1.0000000000000004 WHERE id = 1",
                       set_d + "1.0000000000000002 WHERE id = 1",
                       {Key("table", kFloatTable, "checksum"), Key("table", kFloatTable, "data")});
}

TEST_F(HarnessSelfCheck, NoticesAnAutoIncrementCounter) {
  ASSERT_OK_AND_ASSIGN(
      std::string counter,
      source_->QueryValue(
          "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mv_corpus' "
          "AND TABLE_NAME = '" +
          std::string(kAutoIncGapTable) + "'"));
  ASSERT_OK_AND_ASSIGN(std::string max_id,
                       source_->QueryValue("SELECT MAX(id) FROM " + Table(kAutoIncGapTable)));
  EXPECT_GT(std::stol(counter), std::stol(max_id) + 1) << "the counter should sit above max(id)";
  ExpectChangeDetected("ALTER TABLE " + Table(kAutoIncGapTable) + " AUTO_INCREMENT = 1000",
                       "ALTER TABLE " + Table(kAutoIncGapTable) + " AUTO_INCREMENT = " + counter,
                       {Key("table", kAutoIncGapTable, "create")});
}

TEST_F(HarnessSelfCheck, NoticesATriggerBody) {
  const std::string in_db = "USE " + QuoteIdent(kCorpusDb) + "; DROP TRIGGER trg_src_ai2; ";
  ExpectChangeDetected(in_db + TriggerAi2Statement("ai3"), in_db + TriggerAi2Statement("ai2"),
                       {Key("trigger", "trg_src_ai2")});
}

// mariadb-dump is the reference dumper: replaying its output must reproduce the corpus except
// where it is known to lose data. The one loss on MariaDB 10.11 is FLOAT: the server sends FLOAT
// values with 6 significant digits, so 1.00000012 comes back as 1 and 16777217 as 16777200.
TEST_F(HarnessSelfCheck, MariadbDumpReplayDiffersOnlyInFloatColumns) {
  const std::string archive = dir_->Join("mariadb-dump.sql.gz");
  std::vector<std::string> argv = {
      "bash",
      "-c",
      "set -o pipefail; db=$1 out=$2; shift 2; mariadb-dump --defaults-file=\"$db\" "
      "--single-transaction --routines --events --triggers --hex-blob --max-allowed-packet=1G "
      "--databases \"$@\" | gzip -1 > \"$out\"",
      "dump",
      source_cnf_,
      archive};
  argv.insert(argv.end(), CorpusDatabases().begin(), CorpusDatabases().end());
  ASSERT_OK_AND_ASSIGN(CommandResult dumped, RunCommand(argv));
  ASSERT_EQ(dumped.exit_code, 0) << dumped.Describe();
  ASSERT_OK(ReplayIntoTarget(archive, CorpusDatabases()));
  ASSERT_OK_AND_ASSIGN(Fingerprint replayed, TakeFingerprint(target_config_, CorpusDatabases()));

  const std::vector<std::string> float_loss = {Key("table", kFloatTable, "checksum"),
                                               Key("table", kFloatTable, "data")};
  EXPECT_EQ(DifferingKeys(corpus_, replayed), float_loss) << Diff(corpus_, replayed);
  // The loss is real: the replayed FLOAT is 1, not 1.00000012.
  ASSERT_OK_AND_ASSIGN(std::string f, target_->QueryValue("SELECT f + 0e0 FROM " +
                                                          Table(kFloatTable) + " WHERE id = 1"));
  EXPECT_EQ(f, "1");
  ASSERT_OK_AND_ASSIGN(std::string log_rows,
                       target_->QueryValue("SELECT COUNT(*) FROM " + Table(kTriggerLogTable)));
  EXPECT_EQ(log_rows, "4") << "triggers fired during the replay";
}

// A throwaway server's random port lies below the kernel's ephemeral range: there an outgoing
// connection's local port (invisible to a "does anything listen?" probe) made the server's bind
// fail ("Address already in use") and a test fail at random.
TEST(ThrowawayServerPort, IsPickedBelowTheEphemeralRange) {
  ASSERT_OK_AND_ASSIGN(std::string range, ReadFile("/proc/sys/net/ipv4/ip_local_port_range"));
  const int low = std::stoi(range);
  ASSERT_GT(low, 21000) << "this check needs an ephemeral range starting above 21000";
  for (int i = 0; i < 40; ++i) {
    ASSERT_OK_AND_ASSIGN(
        CommandResult r,
        RunCommand({std::string(MYVAULT_SOURCE_DIR) + "/tools/testserver", "pick-port"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    const int port = std::stoi(r.out);
    EXPECT_GE(port, 20000);
    EXPECT_LT(port, low) << "port " << port << " is in the ephemeral range";
  }
}

}  // namespace
}  // namespace myvault::it
