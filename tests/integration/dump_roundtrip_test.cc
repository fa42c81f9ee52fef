// `myvault dump` of the edge-case corpus, replayed with `zcat | mariadb` into a second server,
// must reproduce every object exactly (FLOATs included: the loss mariadb-dump has is a bug here).
#include <regex>

#include "corpus.h"
#include "fingerprint.h"
#include "fixture.h"
#include "gzip_members.h"

namespace myvault::it {
namespace {

class DumpRoundTrip : public ServerPairTest {
 protected:
  void Prepare() override { ASSERT_OK_AND_ASSIGN(corpus_, EnsureEdgeCaseCorpus(*source_)); }

  std::vector<std::string> CorpusArgs(const std::vector<std::string>& extra) const {
    std::vector<std::string> args = extra;
    args.push_back("--databases");
    args.insert(args.end(), CorpusDatabases().begin(), CorpusDatabases().end());
    return args;
  }

  // Dumps the corpus with `extra` options, checks the archive, replays it into the target and
  // compares every object with the source.
  void RoundTrip(const std::vector<std::string>& extra) {
    const std::string archive = dir_->Join("x.sql.gz");
    ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive, CorpusArgs(extra)));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectCompleteArchive(archive);
    ASSERT_OK(ReplayIntoTarget(archive, CorpusDatabases()));
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, CorpusDatabases()));
    EXPECT_EQ(Diff(corpus_, restored), "") << "objects differ between source and restored copy";
    ExpectTriggersDidNotFire();
    ASSERT_OK_AND_ASSIGN(std::string f, target_->QueryValue("SELECT `mv_corpus`.f_ansi(5)"));
    EXPECT_EQ(f, "f;5;;") << "f_ansi must run under the ANSI_QUOTES it was created with";
  }

  void ExpectTriggersDidNotFire() {
    const std::string log = QualifiedName(kCorpusDb, kTriggerLogTable);
    ASSERT_OK_AND_ASSIGN(std::string source_rows,
                         source_->QueryValue("SELECT COUNT(*) FROM " + log));
    ASSERT_OK_AND_ASSIGN(std::string target_rows,
                         target_->QueryValue("SELECT COUNT(*) FROM " + log));
    EXPECT_EQ(source_rows, "4");
    EXPECT_EQ(target_rows, source_rows) << "a trigger fired while the dump was loaded";
  }

  Fingerprint corpus_;
};

TEST_F(DumpRoundTrip, FourThreadsSmallChunksReproducesEveryObject) {
  RoundTrip({"--threads", "4", "--chunk-size", "65536"});
}

TEST_F(DumpRoundTrip, OneThreadSmallChunksReproducesEveryObject) {
  RoundTrip({"--threads", "1", "--chunk-size", "65536"});
}

TEST_F(DumpRoundTrip, DefaultThreadsAndChunkSizeReproduceEveryObject) { RoundTrip({}); }

// 16 KiB chunks make units of 64 KiB: the VARCHAR-keyed table is split into key ranges found by
// jumping along the key (LIMIT 1 OFFSET), the composite key by integer ranges on its first
// column, so range boundaries on string keys with unicode, quotes and backslashes are crossed.
TEST_F(DumpRoundTrip, KeyRangesOnStringKeysReproduceEveryObject) {
  RoundTrip({"--threads", "4", "--chunk-size", "16384"});
}

// Tiny keyset pages: the composite (int, varchar) and varchar keys of the corpus are read in
// dozens of pages, so every page boundary (unicode, quotes, backslashes in the key) is crossed.
TEST_F(DumpRoundTrip, TinyKeysetPagesReproduceEveryObject) {
  RoundTrip({"--threads", "3", "--chunk-size", "65536", "--keyset-page-rows", "97"});
}

// 64 KiB chunks must really cut the 8 MB big_rows table (and the rest) into many gzip members,
// or the tests above would not cross chunk boundaries.
TEST_F(DumpRoundTrip, SmallChunkSizeMakesManyGzipMembers) {
  const std::string archive = dir_->Join("chunks.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Dump(archive, CorpusArgs({"--threads", "4", "--chunk-size", "65536"})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(archive));
  const std::vector<GzipMember> members = GzipMembers(bytes);
  EXPECT_GE(members.size(), 100u);
  size_t over = 0;
  for (const GzipMember& m : members) {
    // A chunk may exceed the target by one row; only the 16 MiB row should be far above it.
    if (m.uncompressed_size > 4 * 65536) ++over;
  }
  EXPECT_LE(over, 2u) << "chunks should stay near --chunk-size";
}

// The path in FILE.sha256 is FILE as given: with a relative --output, `sha256sum -c` works from
// the directory the dump ran in.
TEST_F(DumpRoundTrip, RelativeOutputPathChecksumVerifiesFromItsDirectory) {
  CommandOptions in_dir;
  in_dir.cwd = dir_->path();
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump("rel.sql.gz", {"--databases", "mv corpus2"}, in_dir));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectCompleteArchive("rel.sql.gz", dir_->path());
  ASSERT_OK_AND_ASSIGN(std::string sidecar, ReadFile(dir_->Join("rel.sql.gz.sha256")));
  EXPECT_TRUE(std::regex_match(sidecar, std::regex("[0-9a-f]{64}  rel\\.sql\\.gz\n"))) << sidecar;
}

TEST_F(DumpRoundTrip, DefinersAreKeptByDefault) {
  const std::string archive = dir_->Join("definer.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive, {"--databases", "mv_corpus"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive));
  EXPECT_NE(sql.find("DEFINER=`mv_definer`@`localhost`"), std::string::npos);
}

TEST_F(DumpRoundTrip, SkipDefinerWritesNoDefinerAndRestoresEverythingElse) {
  const std::string archive = dir_->Join("nodefiner.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive, CorpusArgs({"--skip-definer"})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectCompleteArchive(archive);
  ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive));
  EXPECT_EQ(sql.find("DEFINER="), std::string::npos) << "DEFINER= in a --skip-definer dump";
  for (const char* object : {"VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"}) {
    EXPECT_NE(sql.find(object), std::string::npos) << "no " << object << " in the dump at all";
  }
  ASSERT_OK(ReplayIntoTarget(archive, CorpusDatabases()));
  FingerprintOptions no_definers;
  no_definers.strip_definers = true;
  ASSERT_OK_AND_ASSIGN(Fingerprint source,
                       TakeFingerprint(source_config_, CorpusDatabases(), no_definers));
  ASSERT_OK_AND_ASSIGN(Fingerprint restored,
                       TakeFingerprint(target_config_, CorpusDatabases(), no_definers));
  EXPECT_EQ(Diff(source, restored), "");
  ExpectTriggersDidNotFire();
}

}  // namespace
}  // namespace myvault::it
