// A dump taken while money moves between two databases must be one consistent snapshot (see
// bank.h): after a replay the total is exactly the invariant and every balance agrees with the
// transfer log. The harness is checked against the reference dumper both ways.
#include "bank.h"

namespace myvault::it {
namespace {

using SnapshotConsistency = BankTest;

TEST_F(SnapshotConsistency, MyvaultDumpDuringTransfersRestoresAConsistentState) {
  BankState state;
  DumpDuringTransfers(
      [&](const std::string& archive, TransferWriter&) {
        ASSERT_OK_AND_ASSIGN(CommandResult r,
                             Dump(archive, {"--threads", "4", "--chunk-size", "65536",
                                            "--databases", "bank_a", "bank_b"}));
        ASSERT_EQ(r.exit_code, 0) << r.Describe();
      },
      &state);
  if (HasFatalFailure()) return;
  ExpectConsistent(state);
}

// The harness's own check with the reference dumper: one mariadb-dump --single-transaction of
// both databases is consistent...
TEST_F(SnapshotConsistency, HarnessSeesOneSingleTransactionDumpAsConsistent) {
  BankState state;
  DumpDuringTransfers(
      [&](const std::string& archive, TransferWriter&) {
        MariadbDump(archive, {"bank_a", "bank_b"});
      },
      &state);
  if (HasFatalFailure()) return;
  EXPECT_GT(state.committed_after, state.committed_before);
  EXPECT_EQ(state.total, kInvariant);
  EXPECT_EQ(state.disagreeing, "0");
}

// ... and two dumps taken at different moments are not: the same checks catch it.
TEST_F(SnapshotConsistency, HarnessCatchesTwoSnapshotsTakenApart) {
  BankState state;
  DumpDuringTransfers(
      [&](const std::string& archive, TransferWriter& writer) {
        MariadbDump(archive, {"bank_a"});
        writer.WaitForMore(200);
        MariadbDump(archive, {"bank_b"});
      },
      &state);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(state.total != kInvariant || state.disagreeing != "0")
      << "two snapshots 200 transfers apart should not look consistent";
  EXPECT_NE(state.disagreeing, "0");
}

}  // namespace
}  // namespace myvault::it
