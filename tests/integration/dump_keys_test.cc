// Chunking keys the server cannot order exactly must not be used for keyset pages: a MariaDB
// long UNIQUE over a BLOB (a HASH index) sorts by the first max_sort_length bytes only, so
// ORDER BY ... LIMIT pages over values sharing a long prefix would skip or repeat rows.
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
)sql";

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

}  // namespace
}  // namespace myvault::it
