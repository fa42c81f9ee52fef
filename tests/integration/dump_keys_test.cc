// Keys whose ORDER BY and comparison disagree must not lose or repeat rows at page and range
// boundaries: a MariaDB long UNIQUE over a BLOB (a HASH index sorted by its first
// max_sort_length bytes), ENUM and SET key columns (sorted by number, compared as text).
// And bytes the server keeps in ascii columns must survive.
#include <cstdio>

#include "fixture.h"

namespace myvault::it {
namespace {

constexpr char kSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_keys;
CREATE DATABASE mv_keys;
USE mv_keys;
CREATE TABLE mv_keys.long_unique (b BLOB NOT NULL, n INT, UNIQUE KEY (b)) ENGINE = InnoDB;
INSERT INTO mv_keys.long_unique
  SELECT CONCAT(REPEAT('p', 1100), LPAD((seq * 7919) % 1000, 4, '0')), seq
  FROM seq_1_to_1000;
CREATE TABLE mv_keys.enum_key (uid INT NOT NULL, kind ENUM('zeta', 'alpha', 'mid') NOT NULL,
  n INT, PRIMARY KEY (uid, kind));
INSERT INTO mv_keys.enum_key SELECT seq DIV 3, ELT(1 + seq % 3, 'zeta', 'alpha', 'mid'), seq
  FROM seq_0_to_5999;
CREATE TABLE mv_keys.set_key (flags SET('z', 'a', 'm') NOT NULL PRIMARY KEY, n INT);
INSERT INTO mv_keys.set_key SELECT seq, seq FROM seq_1_to_7;
SET SESSION sql_mode = '';
CREATE TABLE mv_keys.ascii_bytes (id INT PRIMARY KEY, s VARCHAR(10) CHARACTER SET ascii);
INSERT INTO mv_keys.ascii_bytes VALUES (1, _binary 0x41E9FF), (2, 'plain'), (3, NULL);
)sql";

// Row count and an order-independent hash of every row of `table` on both servers.
constexpr char kRowHash[] =
    "SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(CRC32(CONCAT_WS(':', %s))), 0)) FROM %s";

class DumpKeys : public ServerPairTest {
 protected:
  void Prepare() override { ASSERT_OK(source_->Exec(kSetup)); }
};

TEST_F(DumpKeys, LongUniqueOverABlobIsNotUsedForPaging) {
  const std::string archive = dir_->Join("keys.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive, {"--quiet", "--databases", "mv_keys",
                                                       "--keyset-page-rows", "7"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK(ReplayIntoTarget(archive, {"mv_keys"}));
  ASSERT_OK_AND_ASSIGN(std::string rows,
                       target_->QueryValue("SELECT COUNT(*) FROM mv_keys.long_unique"));
  EXPECT_EQ(rows, "1000");
  ASSERT_OK_AND_ASSIGN(std::string distinct,
                       target_->QueryValue("SELECT COUNT(DISTINCT n) FROM mv_keys.long_unique"));
  EXPECT_EQ(distinct, "1000");
  // A content hash over every row, independent of row order.
  const char* kSum = "SELECT SUM(CRC32(CONCAT(HEX(b), ':', n))) FROM mv_keys.long_unique";
  ASSERT_OK_AND_ASSIGN(std::string src_sum, source_->QueryValue(kSum));
  ASSERT_OK_AND_ASSIGN(std::string dst_sum, target_->QueryValue(kSum));
  EXPECT_EQ(src_sum, dst_sum);
}

TEST_F(DumpKeys, EnumSetKeysAndAsciiBytesRoundTripAcrossPages) {
  const std::string archive = dir_->Join("enum.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive, {"--quiet", "--databases", "mv_keys",
                                                       "--keyset-page-rows", "7"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK(ReplayIntoTarget(archive, {"mv_keys"}));
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"mv_keys.enum_key", "uid, kind+0, n"},
      {"mv_keys.set_key", "flags+0, n"},
      {"mv_keys.ascii_bytes", "id, HEX(s)"}};
  for (const auto& [table, columns] : tables) {
    char sql[512];
    std::snprintf(sql, sizeof sql, kRowHash, columns.c_str(), table.c_str());
    ASSERT_OK_AND_ASSIGN(std::string src, source_->QueryValue(sql));
    ASSERT_OK_AND_ASSIGN(std::string dst, target_->QueryValue(sql));
    EXPECT_EQ(src, dst) << table << " (rows/hash)";
  }
  ASSERT_OK_AND_ASSIGN(std::string hex,
                       target_->QueryValue("SELECT HEX(s) FROM mv_keys.ascii_bytes WHERE id = 1"));
  EXPECT_EQ(hex, "41E9FF");
}

}  // namespace
}  // namespace myvault::it
