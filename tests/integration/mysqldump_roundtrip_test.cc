// `myvault mysqldump` of the edge-case corpus, restored with the stock client (`mariadb < FILE`),
// must reproduce every object exactly, FLOATs included, whether it writes to --result-file or
// stdout, with one connection or several; and the output must not depend on --threads.
#include <algorithm>

#include "corpus.h"
#include "mysqldump_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

// Where two texts first differ, with a little of each around it (never a whole dump).
std::string FirstDifference(const std::string& a, const std::string& b) {
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  const size_t at = static_cast<size_t>(ia - a.begin());
  const size_t from = at > 120 ? at - 120 : 0;
  return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
         ", first difference at byte " + std::to_string(at) + "\n--- first:\n" +
         a.substr(from, 240) + "\n--- second:\n" + b.substr(from, 240);
}

class MysqldumpRoundTrip : public MysqldumpTest {
 protected:
  void Prepare() override { ASSERT_OK_AND_ASSIGN(corpus_, EnsureEdgeCaseCorpus(*source_)); }

  // mysqldump's usual full-backup options for the corpus databases, after `extra`.
  static std::vector<std::string> CorpusArgs(const std::vector<std::string>& extra) {
    std::vector<std::string> args = extra;
    for (const char* option :
         {"--single-transaction", "--routines", "--triggers", "--events", "--databases"}) {
      args.emplace_back(option);
    }
    args.insert(args.end(), CorpusDatabases().begin(), CorpusDatabases().end());
    return args;
  }

  // Dumps with `args` to --result-file and returns the file's path.
  std::string DumpToFile(const std::vector<std::string>& args) {
    const std::string file = dir_->Join("dump.sql");
    std::vector<std::string> with_file = args;
    with_file.push_back("--result-file=" + file);
    Result<CommandResult> r = Mysqldump(with_file);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return "";
    EXPECT_EQ(r->exit_code, 0) << r->Describe();
    EXPECT_EQ(r->out, "") << "with --result-file nothing goes to stdout";
    EXPECT_FALSE(PathExists(file + ".partial")) << file << ".partial left behind";
    return r->exit_code == 0 ? file : "";
  }

  // Restores `file` on `cnf`'s server (the corpus databases dropped first when it is the
  // target) and compares the corpus databases there with the source, object by object.
  void ExpectRestoresTheCorpus(const std::string& file, const ServerConfig& server,
                               const std::string& cnf) {
    ASSERT_FALSE(file.empty());
    ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
    EXPECT_EQ(LastNonEmptyLine(sql).rfind("-- Dump completed", 0), 0u)
        << "the dump does not end with '-- Dump completed': " << LastNonEmptyLine(sql);
    if (cnf == target_cnf_) ASSERT_OK(DropOnTarget(CorpusDatabases()));
    ASSERT_OK(RestoreWithClient(file, cnf));
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(server, CorpusDatabases()));
    EXPECT_EQ(Diff(corpus_, restored), "") << "objects differ between source and restored copy";
  }

  Fingerprint corpus_;
};

TEST_F(MysqldumpRoundTrip, ResultFileDefaultThreadsRestoresEveryObject) {
  ExpectRestoresTheCorpus(DumpToFile(CorpusArgs({})), target_config_, target_cnf_);
}

TEST_F(MysqldumpRoundTrip, ResultFileOneThreadRestoresEveryObject) {
  ExpectRestoresTheCorpus(DumpToFile(CorpusArgs({"--threads", "1"})), target_config_, target_cnf_);
}

TEST_F(MysqldumpRoundTrip, ResultFileFourThreadsRestoresEveryObject) {
  ExpectRestoresTheCorpus(DumpToFile(CorpusArgs({"--threads=4"})), target_config_, target_cnf_);
}

TEST_F(MysqldumpRoundTrip, StdoutRestoresEveryObject) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Mysqldump(CorpusArgs({})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string file = dir_->Join("stdout.sql");
  ASSERT_OK(WriteFile(file, r.out));
  ExpectRestoresTheCorpus(file, target_config_, target_cnf_);
}

// --all-databases brings the `mysql` system database along, whose restore would replace the
// accounts of the server it goes to: it is restored into a throwaway server, and only the corpus
// databases are compared.
TEST_F(MysqldumpRoundTrip, AllDatabasesRestoresTheCorpus) {
  const std::string file =
      DumpToFile({"--single-transaction", "--routines", "--triggers", "--events", "-A"});
  ASSERT_FALSE(file.empty());
  ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
  const std::vector<std::string> created = CreatedDatabases(sql);
  for (const std::string& db : CorpusDatabases()) {
    EXPECT_NE(std::find(created.begin(), created.end(), db), created.end())
        << "no CREATE DATABASE for " << db << " in an --all-databases dump";
  }
  for (const char* skipped : {"information_schema", "performance_schema"}) {
    EXPECT_EQ(std::find(created.begin(), created.end(), skipped), created.end())
        << skipped << " must not be dumped";
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server")));
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "throwaway.cnf"));
  ExpectRestoresTheCorpus(file, server->config(), cnf);
}

// N connections read ranges of a table at once, but the stream is what one connection would
// write: byte for byte the same with 1 and 4 threads (the large tables are read in many ranges).
TEST_F(MysqldumpRoundTrip, OutputIsTheSameWhateverTheThreads) {
  ASSERT_OK(EnsureBigTables(*source_));
  std::vector<std::string> args = CorpusArgs({"--skip-dump-date"});
  args.emplace_back(kBigDb);
  std::vector<std::string> one = args;
  one.insert(one.begin(), {"--threads", "1"});
  std::vector<std::string> four = args;
  four.insert(four.begin(), "--threads=4");
  ASSERT_OK_AND_ASSIGN(std::string by_one, MysqldumpText(one));
  ASSERT_OK_AND_ASSIGN(std::string by_four, MysqldumpText(four));
  EXPECT_GT(by_one.size(), 60u << 20) << "the big tables are missing from the dump";
  EXPECT_TRUE(by_one == by_four) << FirstDifference(by_one, by_four);
  EXPECT_EQ(LastNonEmptyLine(by_one), "-- Dump completed")
      << "--skip-dump-date: the last line has no date";
}

}  // namespace
}  // namespace myvault::it
