// mysqldump mode's --tab=DIR with the --fields-*/--lines-* family and --header, against the
// stock mariadb-dump (issue 14 point 11). The server is on this host (loopback), so both tools'
// DIR is a local directory: each writes DIR/t.sql itself and has the server write DIR/t.txt
// (SELECT ... INTO OUTFILE). Every .txt must be byte for byte the stock one; every .sql too,
// except for the lines that name the tool and the date ("-- MariaDB dump ... Distrib",
// "-- Dump completed on") and the "DROP TABLE IF EXISTS `v`;" myvault writes before a view's
// definition (its views need no placeholder table; the DROP removes nothing that exists).
// The events and routines go to the standard output, as with mariadb-dump.
#include <filesystem>
#include <sstream>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_tab";

std::string Comparable(const std::string& sql) {
  std::istringstream in(sql);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("Distrib ") != std::string::npos || line.rfind("-- Dump completed", 0) == 0 ||
        line == "DROP TABLE IF EXISTS `v`;") {
      continue;
    }
    out += line + "\n";
  }
  return out;
}

class MysqldumpTab : public MysqldumpTest {
 protected:
  void Prepare() override {
    const std::string db = kDb;
    ASSERT_OK(source_->Exec(
        "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; USE " + db +
        "; CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(40), n INT, g INT AS (id * 2) VIRTUAL,"
        " b VARBINARY(4))"
        "; INSERT INTO t (id, s, n, b) VALUES (1, 'a,b;\"c''d', NULL, 0x00FF), "
        "(2, 'tab\\there\\nline\\\\', 5, NULL), (3, NULL, 6, '')"
        "; CREATE TABLE e (id INT)"
        "; CREATE VIEW v AS SELECT id, s FROM t"
        "; CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1"
        "; CREATE PROCEDURE p() SELECT 1"));
  }

  // Both tools with --tab into directories of their own; compares every file.
  void ExpectSameFiles(const std::vector<std::string>& options) {
    std::string shown;
    for (const auto& a : options) shown += " " + a;
    SCOPED_TRACE(shown);
    TempDir stock_dir, ours_dir;
    std::vector<std::string> stock_args = {"--tab=" + stock_dir.path()};
    std::vector<std::string> ours_args = {"--tab=" + ours_dir.path()};
    for (auto* args : {&stock_args, &ours_args}) {
      args->insert(args->end(), options.begin(), options.end());
      args->push_back(kDb);
    }
    ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(stock_args));
    ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(ours_args));
    ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
    ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
    EXPECT_EQ(Comparable(ours.out), Comparable(stock.out)) << "standard output";
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(stock_dir.path())) {
      const std::string name = entry.path().filename();
      ++files;
      ASSERT_OK_AND_ASSIGN(std::string want, ReadFile(entry.path()));
      auto got = ReadFile(ours_dir.Join(name));
      ASSERT_TRUE(got.ok()) << "myvault wrote no " << name;
      if (name.ends_with(".txt")) {
        EXPECT_EQ(*got, want) << name;
      } else {
        EXPECT_EQ(Comparable(*got), Comparable(want)) << name;
      }
    }
    // t.sql t.txt e.sql e.txt v.sql; no .txt with --no-data.
    EXPECT_EQ(files, !options.empty() && options.front() == "--no-data" ? 3u : 5u);
    size_t ours_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(ours_dir.path())) {
      (void)entry;
      ++ours_files;
    }
    EXPECT_EQ(ours_files, files);
  }
};

TEST_F(MysqldumpTab, DefaultFormat) { ExpectSameFiles({}); }

TEST_F(MysqldumpTab, FieldsAndLinesOptionsAndHeader) {
  ExpectSameFiles(
      {"--fields-terminated-by=,", "--fields-enclosed-by=\"", "--lines-terminated-by=;\n"});
  ExpectSameFiles(
      {"--header", "--fields-optionally-enclosed-by='", "--fields-escaped-by=!", "--routines"});
  ExpectSameFiles({"--no-data", "--skip-triggers"});
}

// --order-by-primary: the rows of a MyISAM table (kept in insertion order) come out in key order,
// as the stock tool's do; with --header too, the header first and the key compared as numbers
// (mariadb-dump sorts it with the header's strings there: 1, 10, 2, 3). Before, --tab ignored
// the option.
TEST_F(MysqldumpTab, OrderByPrimaryWithAndWithoutHeader) {
  const std::string db = "mv_md_tab_order";
  ASSERT_OK(source_->Exec("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db +
                          "; CREATE TABLE " + db +
                          ".m (id INT PRIMARY KEY, v VARCHAR(5)) ENGINE=MyISAM; INSERT INTO " + db +
                          ".m VALUES (3, 'c'), (1, 'a'), (10, 'j'), (2, 'b')"));
  TempDir stock_dir, ours_dir, header_dir;
  ASSERT_OK_AND_ASSIGN(CommandResult stock,
                       MariadbDump({"--tab=" + stock_dir.path(), "--order-by-primary", db}));
  ASSERT_OK_AND_ASSIGN(CommandResult ours,
                       Mysqldump({"--tab=" + ours_dir.path(), "--order-by-primary", db}));
  ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
  ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
  ASSERT_OK_AND_ASSIGN(std::string want, ReadFile(stock_dir.Join("m.txt")));
  EXPECT_EQ(want, "1\ta\n2\tb\n3\tc\n10\tj\n");
  ASSERT_OK_AND_ASSIGN(std::string got, ReadFile(ours_dir.Join("m.txt")));
  EXPECT_EQ(got, want);
  ASSERT_OK_AND_ASSIGN(CommandResult header,
                       Mysqldump({"--tab=" + header_dir.path(), "--order-by-primary", "--header",
                                  "--fields-terminated-by=,", db}));
  ASSERT_EQ(header.exit_code, 0) << header.Describe();
  ASSERT_OK_AND_ASSIGN(std::string with_header, ReadFile(header_dir.Join("m.txt")));
  EXPECT_EQ(with_header, "id,v\n1,a\n2,b\n3,c\n10,j\n");
  ASSERT_OK(source_->Exec("DROP DATABASE " + db));
}

TEST_F(MysqldumpTab, WhereAndExistingFiles) {
  // A second run into the same directory replaces the .txt the first one wrote.
  TempDir dir;
  for (int run = 0; run < 2; ++run) {
    ASSERT_OK_AND_ASSIGN(CommandResult ours,
                         Mysqldump({"--tab=" + dir.path(), "--where=id > 1", kDb, "t"}));
    ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
  }
  ASSERT_OK_AND_ASSIGN(std::string txt, ReadFile(dir.Join("t.txt")));
  EXPECT_EQ(txt.find("1\t"), std::string::npos) << txt;
  EXPECT_NE(txt.find("3\t\\N\t6\t6\t\n"), std::string::npos) << txt;
}

}  // namespace
}  // namespace myvault::it
