#include "myvault/dump/plan.h"

#include <gtest/gtest.h>

namespace myvault::dump {
namespace {

constexpr __int128 kU64Max = (static_cast<__int128>(1) << 64) - 1;

Table MakeTable() {
  Table t;
  t.schema = "shop";
  t.name = "order lines";
  t.columns = {{"id", "bigint", "bigint(20) unsigned", "", false, false},
               {"price", "float", "float", "", false, true},
               {"flags", "bit", "bit(8)", "", false, true},
               {"blob`x", "longblob", "longblob", "", false, true},
               {"note", "varchar", "varchar(10)", "latin1", false, true},
               {"name", "varchar", "varchar(10)", "utf8mb4", false, true},
               {"total", "decimal", "decimal(10,2)", "", true, true}};
  t.key = {0};
  t.key_kind = KeyKind::kInteger;
  return t;
}

TEST(PlanTest, SelectListRoundTripsEveryTypeAndSkipsGeneratedColumns) {
  TableQuery q = BuildTableQuery(MakeTable());
  EXPECT_EQ(q.select,
            "SELECT `id`,`price`+0e0,`flags`+0,`blob``x`,CAST(`note` AS BINARY),`name` FROM "
            "`shop`.`order lines`");
  ASSERT_EQ(q.formats.size(), 6u);
  EXPECT_EQ(q.formats[0].encoding, sql::ValueEncoding::kRaw);
  EXPECT_EQ(q.formats[1].encoding, sql::ValueEncoding::kRaw);
  EXPECT_EQ(q.formats[2].encoding, sql::ValueEncoding::kRaw);
  EXPECT_EQ(q.formats[3].encoding, sql::ValueEncoding::kHex);
  EXPECT_EQ(q.formats[4].encoding, sql::ValueEncoding::kHexWithCharset);
  EXPECT_EQ(q.formats[4].charset, "latin1");
  EXPECT_EQ(q.formats[5].encoding, sql::ValueEncoding::kString);
  EXPECT_EQ(q.key_positions, std::vector<size_t>{0});
}

TEST(PlanTest, SparseHugeUnsignedRangeMakesFewUnits) {
  // Three rows spread over the whole BIGINT UNSIGNED range: one unit, not 2^64 / step.
  auto b = SplitIntegerRange(0, kU64Max, 3, 300, 16 << 20, 256);
  EXPECT_TRUE(b.empty());
  // A big table over the same span: as many units as its size asks for, capped.
  b = SplitIntegerRange(0, kU64Max, 1'000'000'000, 100ull << 30, 16 << 20, 256);
  EXPECT_EQ(b.size(), 255u);
  for (size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  EXPECT_GT(b.front(), 0);
  EXPECT_LT(b.back(), kU64Max);
}

TEST(PlanTest, UnitsNeverExceedRowsOrKeySpan) {
  EXPECT_EQ(SplitIntegerRange(10, 13, 1000, 1ull << 30, 1 << 20, 1000).size(), 3u);  // 4 keys
  EXPECT_EQ(SplitIntegerRange(0, 1'000'000, 5, 1ull << 30, 1 << 20, 1000).size(), 4u);
  EXPECT_TRUE(SplitIntegerRange(7, 7, 1, 1ull << 30, 1 << 20, 1000).empty());
}

TEST(PlanTest, NegativeSignedRange) {
  __int128 lo = -(static_cast<__int128>(1) << 63);
  __int128 hi = (static_cast<__int128>(1) << 63) - 1;
  auto b = SplitIntegerRange(lo, hi, 1000, 4 << 20, 1 << 20, 100);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(Int128ToString(lo), "-9223372036854775808");
  EXPECT_EQ(Int128ToString(kU64Max), "18446744073709551615");
  EXPECT_EQ(*ParseInt128("-9223372036854775808"), lo);
  EXPECT_EQ(*ParseInt128("18446744073709551615"), kU64Max);
  EXPECT_FALSE(ParseInt128("12a").has_value());
}

TEST(PlanTest, RangeUnitWhere) {
  TableQuery q = BuildTableQuery(MakeTable());
  WorkUnit u;
  u.lower = {"100"};
  u.upper = {"200"};
  EXPECT_EQ(UnitSql(q, u, {}), q.select + " WHERE `id` >= 100 AND `id` < 200");
  WorkUnit all;
  EXPECT_EQ(UnitSql(q, all, {}), q.select);
}

TEST(PlanTest, FilterIsParenthesizedAndComesFirst) {
  TableQuery q = BuildTableQuery(MakeTable());
  q.filter = "id < 5 OR id > 9";  // an OR must not bind with the range bounds
  WorkUnit u;
  u.lower = {"100"};
  EXPECT_EQ(UnitSql(q, u, {}), q.select + " WHERE (id < 5 OR id > 9) AND `id` >= 100");
  EXPECT_EQ(UnitSql(q, WorkUnit{}, {}), q.select + " WHERE (id < 5 OR id > 9)");
}

TEST(PlanTest, KeysetPredicateOverCompositeKey) {
  Table t;
  t.schema = "d";
  t.name = "t";
  t.columns = {{"a", "int", "int(11)", "", false, false},
               {"b", "varchar", "varchar(9)", "utf8mb4", false, false},
               {"c", "text", "text", "utf8mb4", false, true}};
  t.key = {0, 1};
  t.key_kind = KeyKind::kKeyset;
  TableQuery q = BuildTableQuery(t);
  WorkUnit u;
  u.paginate = true;
  u.page_rows = 500;
  EXPECT_EQ(UnitSql(q, u, {}), "SELECT `a`,`b`,`c` FROM `d`.`t` ORDER BY `a`,`b` LIMIT 500");
  std::string last_b = ValueLiteral(q.formats[1], "it's", 4);
  EXPECT_EQ(last_b, "'it\\'s'");
  EXPECT_EQ(UnitSql(q, u, {"7", last_b}),
            "SELECT `a`,`b`,`c` FROM `d`.`t` WHERE ((`a` > 7) OR (`a` = 7 AND `b` > 'it\\'s')) "
            "ORDER BY `a`,`b` LIMIT 500");
}

}  // namespace
}  // namespace myvault::dump

namespace myvault::dump {
namespace {

TEST(CatalogTest, GeneratedColumnsAreRecognisedPerFlavor) {
  EXPECT_TRUE(IsGeneratedColumn("VIRTUAL GENERATED"));
  EXPECT_TRUE(IsGeneratedColumn("STORED GENERATED"));
  EXPECT_TRUE(IsGeneratedColumn("PERSISTENT"));  // MariaDB < 10.2 spelling
  EXPECT_TRUE(IsGeneratedColumn("STORED GENERATED INVISIBLE"));
  EXPECT_TRUE(IsGeneratedColumn("ROW START INVISIBLE"));  // MariaDB system versioning
  // MySQL 8: DEFAULT CURRENT_TIMESTAMP or DEFAULT (expr) columns hold real data.
  EXPECT_FALSE(IsGeneratedColumn("DEFAULT_GENERATED"));
  EXPECT_FALSE(IsGeneratedColumn("DEFAULT_GENERATED on update CURRENT_TIMESTAMP"));
  EXPECT_FALSE(IsGeneratedColumn("auto_increment"));
  EXPECT_FALSE(IsGeneratedColumn("INVISIBLE"));
  EXPECT_FALSE(IsGeneratedColumn(""));
}

TEST(CatalogTest, BytesAreToldFromTextByTypeAndCharset) {
  auto column = [](const char* type, const char* charset) {
    Column c;
    c.data_type = type;
    c.charset = charset;
    return c;
  };
  for (const char* type : {"varbinary", "longblob", "point", "geomcollection", "bit"}) {
    EXPECT_TRUE(HoldsBytes(column(type, ""))) << type;
  }
  EXPECT_TRUE(HoldsBytes(column("varchar", "binary")));
  EXPECT_FALSE(HoldsBytes(column("varchar", "utf8mb4")));
  EXPECT_FALSE(HoldsBytes(column("text", "latin1")));
  EXPECT_FALSE(HoldsBytes(column("int", "")));
}

TEST(CatalogTest, SystemDatabasesAreNeverDumpedByDefault) {
  for (const char* db :
       {"mysql", "sys", "information_schema", "performance_schema", "_myvault_restore"}) {
    EXPECT_TRUE(IsSystemDatabase(db)) << db;
  }
  EXPECT_FALSE(IsSystemDatabase("shop"));
  EXPECT_FALSE(IsSystemDatabase("mysql2"));
}

}  // namespace
}  // namespace myvault::dump

namespace myvault::dump {
namespace {

TEST(PlanTest, TupleBoundsOverACompositeKey) {
  std::vector<std::string> k = {"`a`", "`b`", "`c`"};
  EXPECT_EQ(KeyCompare(k, {"1", "'x'", "2"}, ">="),
            "((`a` > 1) OR (`a` = 1 AND `b` > 'x') OR (`a` = 1 AND `b` = 'x' AND `c` > 2) OR "
            "(`a` = 1 AND `b` = 'x' AND `c` = 2))");
  EXPECT_EQ(KeyCompare(k, {"1", "'x'"}, "<"), "((`a` < 1) OR (`a` = 1 AND `b` < 'x'))");
  EXPECT_EQ(KeyCompare(k, {"5"}, "<"), "`a` < 5");
}

TEST(PlanTest, BoundaryQueryJumpsOneUnitAhead) {
  Table t;
  t.schema = "d";
  t.name = "t";
  t.columns = {{"u", "char", "char(36)", "latin1", false, false},
               {"v", "int", "int(11)", "", false, true}};
  t.key = {0};
  t.key_kind = KeyKind::kKeyset;
  TableQuery q = BuildTableQuery(t);
  EXPECT_EQ(q.key_select, "CAST(`u` AS BINARY)");
  EXPECT_EQ(NextBoundarySql(q, "`d`.`t`", {}, 5000),
            "SELECT CAST(`u` AS BINARY) FROM `d`.`t` ORDER BY `u` LIMIT 1 OFFSET 5000");
  EXPECT_EQ(NextBoundarySql(q, "`d`.`t`", {"_latin1 0x41"}, 5000),
            "SELECT CAST(`u` AS BINARY) FROM `d`.`t` WHERE `u` >= _latin1 0x41 ORDER BY `u` "
            "LIMIT 1 OFFSET 5000");
  WorkUnit u;
  u.lower = {"_latin1 0x41"};
  u.upper = {"_latin1 0x4D"};
  EXPECT_EQ(UnitWhere(q, u, {}), " WHERE `u` >= _latin1 0x41 AND `u` < _latin1 0x4D");
}

// A MyISAM/Aria table is read while a table lock holds its writers off; its reads must not queue
// behind a writer waiting for that lock (see SelectFor), InnoDB's need no such priority.
TEST(PlanTest, NonTransactionalTablesAreReadWithHighPriority) {
  Table t = MakeTable();
  EXPECT_EQ(BuildTableQuery(t).select.rfind("SELECT `id`,", 0), 0u);
  t.transactional = false;
  TableQuery q = BuildTableQuery(t);
  EXPECT_EQ(q.select.rfind("SELECT HIGH_PRIORITY `id`,", 0), 0u) << q.select;
  EXPECT_EQ(NextBoundarySql(q, "`shop`.`order lines`", {}, 10),
            "SELECT HIGH_PRIORITY `id` FROM `shop`.`order lines` ORDER BY `id` LIMIT 1 OFFSET 10");
  EXPECT_EQ(SelectFor(t), "SELECT HIGH_PRIORITY ");
}

}  // namespace
}  // namespace myvault::dump

namespace myvault::dump {
namespace {

TEST(PlanTest, EnumAndSetKeysArePagedByTheirNumbers) {
  Table t;
  t.schema = "d";
  t.name = "t";
  t.columns = {{"uid", "int", "int(11)", "", false, false},
               {"kind", "enum", "enum('zeta','alpha')", "utf8mb4", false, false},
               {"note", "text", "text", "utf8mb4", false, true}};
  t.key = {0, 1};
  t.key_kind = KeyKind::kKeyset;
  TableQuery q = BuildTableQuery(t);
  // The INSERTs get the label; the pages compare the number ORDER BY sorts by.
  EXPECT_EQ(q.select, "SELECT `uid`,`kind`,`note`,`kind`+0 FROM `d`.`t`");
  ASSERT_EQ(q.formats.size(), 3u);
  EXPECT_EQ(q.key_positions, (std::vector<size_t>{0, 3}));
  ASSERT_EQ(q.key_formats.size(), 2u);
  EXPECT_EQ(q.key_formats[1].encoding, sql::ValueEncoding::kRaw);
  EXPECT_EQ(q.key_select, "`uid`,`kind`+0");
}

TEST(PlanTest, AsciiTextIsWrittenAsRawBytes) {
  Table t;
  t.schema = "d";
  t.name = "t";
  t.columns = {{"s", "varchar", "varchar(10)", "ascii", false, true}};
  TableQuery q = BuildTableQuery(t);
  EXPECT_EQ(q.select, "SELECT CAST(`s` AS BINARY) FROM `d`.`t`");
  EXPECT_EQ(q.formats[0].encoding, sql::ValueEncoding::kHexWithCharset);
  EXPECT_EQ(q.formats[0].charset, "ascii");
}

}  // namespace
}  // namespace myvault::dump

namespace myvault::dump {
namespace {

TEST(CatalogTest, ColumnNamesFromShowCreateTable) {
  const std::string create =
      "CREATE TABLE `t` (\n"
      "  `id` int(11) NOT NULL,\n"
      "  `we``ird name` varchar(10) DEFAULT 'x`y',\n"
      "  `ünï` json DEFAULT NULL CHECK (json_valid(`ünï`)),\n"
      "  PRIMARY KEY (`id`),\n"
      "  KEY `k` (`we``ird name`),\n"
      "  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `o` (`id`)\n"
      ") ENGINE=InnoDB";
  EXPECT_EQ(ColumnNamesFromCreate(create), (std::vector<std::string>{"id", "we`ird name", "ünï"}));
}

}  // namespace
}  // namespace myvault::dump
