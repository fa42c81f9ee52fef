// How chunks reach the server: array-bound INSERTs (MariaDB, the default) or LOAD DATA LOCAL
// INFILE for tables whose column types load exactly from binary strings, INSERT statements for
// the others (BIT, INET6, ...), and INSERT statements for everything when the server refuses the
// method. Every way ends with the source's exact rows.
#include <regex>

#include "fingerprint.h"
#include "fixture.h"

namespace myvault::it {
namespace {

constexpr const char* kDb = "mv_rload";

// A database made on the source by `setup_sql`, its fingerprint and its archive.
class DumpedDatabaseTest : public ServerPairTest {
 protected:
  // Runs `setup_sql` on the source, then dumps database `db` in chunks of `chunk_size` into
  // the scratch directory's `name`.
  void MakeArchive(const std::string& setup_sql, const std::string& db,
                   const std::string& chunk_size, const std::string& name) {
    ASSERT_OK(source_->Exec(setup_sql));
    ASSERT_OK_AND_ASSIGN(source_fp_, TakeFingerprint(source_config_, {db}));
    archive_ = dir_->Join(name);
    ASSERT_OK_AND_ASSIGN(
        auto dump, Dump(archive_, {"--databases", db, "--chunk-size", chunk_size, "--quiet"}));
    ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  }

  Fingerprint source_fp_;
  std::string archive_;
};

class RestoreLoadMethod : public DumpedDatabaseTest {
 protected:
  void Prepare() override {
    MakeArchive(
        std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " + kDb + "; USE " +
            kDb +
            "; CREATE TABLE plain (id INT PRIMARY KEY AUTO_INCREMENT, s VARCHAR(50), b "
            "VARBINARY(20), "
            "d DATETIME(6), f FLOAT, n DECIMAL(20,5), j TEXT) ENGINE=InnoDB;"
            " INSERT INTO plain VALUES (0, 'zero id', NULL, '0000-00-00 00:00:00', 0.1, 0, "
            "'\\\\N');"
            " INSERT INTO plain (s, b, d, f, n, j) SELECT CONCAT('tab\\there\\nnl\\\\', seq), "
            "UNHEX(LPAD(HEX(seq), 8, '0')), '2024-02-29 12:34:56.123456', seq / 7, seq * 1.5, NULL "
            "FROM seq_1_to_3000;"
            " CREATE TABLE bits (id INT PRIMARY KEY, b BIT(10), a INET6) ENGINE=InnoDB;"
            " INSERT INTO bits SELECT seq, seq % 1024, CONCAT('::', HEX(seq)) FROM seq_1_to_500;",
        kDb, "16KiB", "load.sql.gz");
  }

  struct Chunks {
    long bulk = -1, load_data = -1, insert = -1;
  };
  // Restores with `args` and returns the chunks by each method, from the report.
  Chunks Restore(const std::vector<std::string>& args, CommandResult* result) {
    std::vector<std::string> argv = {
        "restore", archive_, "--defaults-file", target_cnf_, "--yes", "--progress", "lines"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = RunMyvault(argv);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    *result = *r;
    EXPECT_EQ(r->exit_code, 0) << r->Describe();
    std::smatch m;
    if (!std::regex_search(r->out, m,
                           std::regex(R"(chunks: (\d+) by array-bound INSERT, (\d+) by LOAD DATA )"
                                      R"(LOCAL INFILE, (\d+) by INSERT)"))) {
      ADD_FAILURE() << "no chunks line in: " << r->out;
      return {};
    }
    return {std::stol(m[1]), std::stol(m[2]), std::stol(m[3])};
  }

  void ExpectSameAsSource() {
    ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
    EXPECT_EQ(Diff(source_fp_, got), "");
  }
};

// The default on MariaDB: array-bound INSERTs for `plain`, even with several loaders on its
// AUTO_INCREMENT key (they take no table-level AUTO-INC lock), INSERT statements for `bits`.
TEST_F(RestoreLoadMethod, ArrayBindingWhereTypesAllowInsertElsewhere) {
  CommandResult r;
  Chunks c = Restore({"--threads", "4"}, &r);
  EXPECT_GT(c.bulk, 0) << r.out;  // `plain`
  EXPECT_EQ(c.load_data, 0) << r.out;
  EXPECT_GT(c.insert, 0) << r.out;  // `bits`: BIT and INET6 need INSERT
  ExpectSameAsSource();
}

// The AUTO_INCREMENT table `plain` (about a dozen chunks) shared by four loaders: every one of
// its chunks goes by the fast path, its rows are exact, and the counter continues after the
// source's (the next insert gets the id the source would give, never one already used).
TEST_F(RestoreLoadMethod, AutoIncrementTableSharedByLoadersKeepsFastPathAndCounter) {
  // One loader with LOAD DATA: nothing is shared, so only `bits` takes INSERT statements.
  CommandResult r;
  Chunks one = Restore({"--threads", "1", "--load-method", "load-data"}, &r);
  ASSERT_GT(one.load_data, 4) << r.out;
  Chunks c = Restore({"--threads", "4"}, &r);
  EXPECT_EQ(c.bulk, one.load_data) << r.out;  // every chunk of `plain`
  EXPECT_EQ(c.load_data, 0) << r.out;
  EXPECT_EQ(c.insert, one.insert) << r.out;  // `bits` only
  ExpectSameAsSource();
  ASSERT_OK_AND_ASSIGN(auto rows,
                       target_->QueryValue(std::string("SELECT COUNT(*) FROM ") + kDb + ".plain"));
  EXPECT_EQ(rows, "3001");
  // The source's counter, 4097 after its INSERT ... SELECT of 3000 rows reserved ids in
  // doubling batches: the restored table hands out the id the source would have.
  const std::string counter = std::string("SELECT AUTO_INCREMENT FROM information_schema.TABLES ") +
                              "WHERE TABLE_SCHEMA = '" + kDb + "' AND TABLE_NAME = 'plain'";
  ASSERT_OK_AND_ASSIGN(auto source_next, source_->QueryValue(counter));
  EXPECT_GT(std::stoll(source_next), 3000);
  ASSERT_OK(target_->Exec(std::string("INSERT INTO ") + kDb + ".plain (s) VALUES ('after')"));
  ASSERT_OK_AND_ASSIGN(auto id, target_->QueryValue(std::string("SELECT id FROM ") + kDb +
                                                    ".plain WHERE s = 'after'"));
  EXPECT_EQ(id, source_next);
}

// One loader: no table is shared, so each table's own types decide (with several loaders on one
// AUTO_INCREMENT table, the extra ones use INSERT; see loader.h).
TEST_F(RestoreLoadMethod, LoadDataWhereTypesAllowInsertElsewhere) {
  CommandResult r;
  Chunks c = Restore({"--threads", "1", "--load-method", "load-data"}, &r);
  EXPECT_EQ(c.bulk, 0) << r.out;
  EXPECT_GT(c.load_data, 0) << r.out;  // `plain`
  EXPECT_GT(c.insert, 0) << r.out;     // `bits`: BIT and INET6 need INSERT
  ExpectSameAsSource();
}

TEST_F(RestoreLoadMethod, InsertOnlyWhenAsked) {
  CommandResult r;
  Chunks c = Restore({"--load-method", "insert"}, &r);
  EXPECT_EQ(c.bulk, 0) << r.out;
  EXPECT_EQ(c.load_data, 0) << r.out;
  EXPECT_GT(c.insert, 0) << r.out;
  ExpectSameAsSource();
}

TEST_F(RestoreLoadMethod, ServerRefusingLocalInfileGetsInserts) {
  ASSERT_OK(target_->Exec("SET GLOBAL local_infile = 0"));
  CommandResult r;
  Chunks c = Restore({"--threads", "1", "--load-method", "load-data"}, &r);
  EXPECT_OK(target_->Exec("SET GLOBAL local_infile = 1"));
  EXPECT_EQ(c.load_data, 0) << r.out;
  EXPECT_GT(c.insert, 0) << r.out;
  EXPECT_NE(r.err.find("refuses LOAD DATA LOCAL INFILE"), std::string::npos) << r.err;
  ExpectSameAsSource();
}

// A larger AUTO_INCREMENT table with secondary indexes (a plain key, a unique key, a composite
// key and a prefix key), ids with gaps and a counter above the largest id (the last rows were
// deleted on the source), in a hundred chunks shared by four loaders, its indexes deferred: the
// restore ends with the source's rows (CHECKSUM TABLE and per-row hashes), the source's
// AUTO_INCREMENT counter (not MAX(id) + 1) and the source's indexes (SHOW CREATE TABLE equal,
// and the same index columns in information_schema.STATISTICS).
class RestoreAutoIncrementAtScale : public DumpedDatabaseTest {
 protected:
  static constexpr const char* kDb = "mv_rautoinc";
  void Prepare() override {
    MakeArchive(
        std::string("SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS ") + kDb +
            "; CREATE DATABASE " + kDb + "; USE " + kDb +
            "; CREATE TABLE orders (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
            " customer INT NOT NULL, ref CHAR(40) NOT NULL, placed DATETIME NOT NULL,"
            " note VARCHAR(200) NOT NULL, KEY by_customer (customer), UNIQUE KEY by_ref (ref),"
            " KEY by_customer_placed (customer, placed), KEY by_note (note(10))) ENGINE=InnoDB;"
            " INSERT INTO orders SELECT seq * 3, seq % 997, SHA1(seq),"
            " '2024-01-01' + INTERVAL seq MINUTE, REPEAT(MD5(seq), 3) FROM seq_1_to_40000;"
            " DELETE FROM orders WHERE id > 119000;"
            " SET SESSION sql_log_bin = 1",
        kDb, "64KiB", "autoinc.sql.gz");
  }

  std::string Query(TestServer& server, const std::string& sql) {
    Result<std::string> v = server.QueryValue(sql);
    EXPECT_TRUE(v.ok()) << sql << ": " << v.status().message();
    return v.ok() ? *v : "";
  }

  void ExpectSameAsSource() {
    ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
    EXPECT_EQ(Diff(source_fp_, got), "");
    const std::string table = std::string(kDb) + ".orders";
    const std::string counter =
        std::string("SELECT AUTO_INCREMENT FROM information_schema.TABLES ") +
        "WHERE TABLE_SCHEMA = '" + kDb + "' AND TABLE_NAME = 'orders'";
    const std::string source_counter = Query(*source_, counter);
    EXPECT_GT(std::stoll(source_counter), 120000) << "the counter is above MAX(id) + 1";
    EXPECT_EQ(Query(*target_, counter), source_counter);
    const std::string indexes =
        std::string("SELECT GROUP_CONCAT(INDEX_NAME, ':', NON_UNIQUE, ':', COLUMN_NAME, ':', ") +
        "IFNULL(SUB_PART, '-') ORDER BY INDEX_NAME, SEQ_IN_INDEX) FROM " +
        "information_schema.STATISTICS WHERE TABLE_SCHEMA = '" + kDb +
        "' AND TABLE_NAME = 'orders'";
    EXPECT_EQ(Query(*target_, indexes), Query(*source_, indexes));
    for (const std::string sql : {"SELECT COUNT(*) FROM " + table, "SHOW CREATE TABLE " + table}) {
      ASSERT_OK_AND_ASSIGN(auto want, source_->Query(sql));
      ASSERT_OK_AND_ASSIGN(auto got_rows, target_->Query(sql));
      EXPECT_EQ(got_rows, want) << sql;
    }
    // The next id is the one the source would hand out.
    ASSERT_OK(target_->Exec("INSERT INTO " + table +
                            " (customer, ref, placed, note) VALUES (1, 'after', NOW(), 'x')"));
    EXPECT_EQ(Query(*target_, "SELECT id FROM " + table + " WHERE ref = 'after'"), source_counter);
  }
};

TEST_F(RestoreAutoIncrementAtScale, FourLoadersDeferredIndexesExactRowsCounterAndIndexes) {
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunMyvault({"restore", archive_, "--defaults-file", target_cnf_, "--yes", "--progress",
                  "lines", "--threads", "4", "--defer-indexes", "always"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(in (\d+) chunks)"))) << r.out;
  EXPECT_GE(std::stol(m[1]), 50) << "the table should span many chunks: " << r.out;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(phases: .*indexes ([0-9.]+) s)"))) << r.out;
  ExpectSameAsSource();
}

// The same with the indexes built during the load (--defer-indexes never) and LOAD DATA on one
// loader: the counter and indexes do not depend on the path taken.
TEST_F(RestoreAutoIncrementAtScale, IndexesDuringTheLoadSameRowsCounterAndIndexes) {
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunMyvault({"restore", archive_, "--defaults-file", target_cnf_, "--yes", "--quiet",
                  "--threads", "3", "--defer-indexes", "never", "--load-method", "load-data"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectSameAsSource();
}

}  // namespace
}  // namespace myvault::it
