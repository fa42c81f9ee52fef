#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "myvault/sql/row_format.h"
#include "row_test_helpers.h"

namespace myvault::sql {
namespace {

using testing::Append;
using testing::Row;

std::vector<ColumnFormat> IdAndName() {
  return {{"id", ValueEncoding::kRaw, ""}, {"name", ValueEncoding::kString, ""}};
}

// Splits `sql` after every ";\n" (test values contain no ';').
std::vector<std::string> Statements(const std::string& sql) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (size_t end; (end = sql.find(";\n", begin)) != std::string::npos; begin = end + 2) {
    out.push_back(sql.substr(begin, end + 2 - begin));
  }
  EXPECT_EQ(begin, sql.size()) << "text after the last statement";
  return out;
}

TEST(InsertFormatterTest, OneStatementWithColumnList) {
  InsertFormatter f("shop", "or`ders", IdAndName(), 1 << 20);
  std::string out;
  EXPECT_FALSE(f.statement_open());
  Append(&f, &out, {"1", "a'b"});
  EXPECT_TRUE(f.statement_open());
  Append(&f, &out, {"2", "c"});
  f.Finish(&out);
  EXPECT_FALSE(f.statement_open());
  EXPECT_EQ(out,
            "INSERT INTO `shop`.`or``ders` (`id`,`name`) VALUES\n"
            "(1,'a\\'b'),\n"
            "(2,'c');\n");
}

TEST(InsertFormatterTest, MysqldumpStyleUnqualifiedWithoutColumnList) {
  InsertStyle style;
  style.qualified = false;
  style.column_list = false;
  InsertFormatter f("shop", "t", IdAndName(), 1 << 20, style);
  std::string out;
  Append(&f, &out, {"1", "a"});
  Append(&f, &out, {"2", std::nullopt});
  f.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO `t` VALUES\n(1,'a'),\n(2,NULL);\n");
}

TEST(InsertFormatterTest, OneRowPerStatementWithVerbAndColumns) {
  InsertStyle style;
  style.verb = "REPLACE";
  style.qualified = false;
  style.one_row_per_statement = true;
  InsertFormatter f("shop", "t", IdAndName(), 1 << 20, style);
  std::string out;
  Append(&f, &out, {"1", "a"});
  EXPECT_FALSE(f.statement_open());
  Append(&f, &out, {"2", "b"});
  f.Finish(&out);  // nothing open: appends nothing
  EXPECT_EQ(out,
            "REPLACE INTO `t` (`id`,`name`) VALUES (1,'a');\n"
            "REPLACE INTO `t` (`id`,`name`) VALUES (2,'b');\n");
}

// mariadb-dump --delayed-insert puts DELAYED after the verb's first word.
TEST(InsertFormatterTest, DelayedFollowsTheFirstWordOfTheVerb) {
  InsertStyle style;
  EXPECT_EQ(InsertVerb(style), "INSERT");
  style.delayed = true;
  EXPECT_EQ(InsertVerb(style), "INSERT DELAYED");
  style.verb = "INSERT IGNORE";
  EXPECT_EQ(InsertVerb(style), "INSERT DELAYED IGNORE");
  style.verb = "REPLACE";
  EXPECT_EQ(InsertVerb(style), "REPLACE DELAYED");
  style.delayed = false;
  EXPECT_EQ(InsertVerb(style), "REPLACE");
  style.verb = "INSERT";
  style.delayed = true;
  style.qualified = false;
  style.column_list = false;
  InsertFormatter f("shop", "t", IdAndName(), 1 << 20, style);
  std::string out;
  Append(&f, &out, {"1", "a"});
  f.Finish(&out);
  EXPECT_EQ(out, "INSERT DELAYED INTO `t` VALUES\n(1,'a');\n");
}

// --skip-quote-names: the table and column names bare unless they need backticks.
TEST(InsertFormatterTest, NamesBareUnlessTheyNeedBackticks) {
  InsertStyle style;
  style.quote_names = false;
  std::vector<ColumnFormat> columns = IdAndName();
  columns[1].name = "the name";
  InsertFormatter qualified("shop", "t", columns, 1 << 20, style);
  std::string out;
  Append(&qualified, &out, {"1", "a"});
  qualified.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO shop.t (id,`the name`) VALUES\n(1,'a');\n");
  style.qualified = false;
  InsertFormatter bare("shop", "my t", columns, 1 << 20, style);
  out.clear();
  Append(&bare, &out, {"1", "a"});
  bare.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO `my t` (id,`the name`) VALUES\n(1,'a');\n");
}

// --compatible=ansi: the names in double quotes, a '"' inside one doubled; bare ones stay bare
// with --skip-quote-names, the others get double quotes.
TEST(InsertFormatterTest, NamesInTheQuoteCharacterOfTheStyle) {
  InsertStyle style;
  style.quote = '"';
  std::vector<ColumnFormat> columns = IdAndName();
  columns[1].name = "we\"ird";
  InsertFormatter quoted("shop", "t", columns, 1 << 20, style);
  std::string out;
  Append(&quoted, &out, {"1", "a"});
  quoted.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO \"shop\".\"t\" (\"id\",\"we\"\"ird\") VALUES\n(1,'a');\n");
  style.quote_names = false;
  style.qualified = false;
  InsertFormatter bare("shop", "my t", columns, 1 << 20, style);
  out.clear();
  Append(&bare, &out, {"1", "a"});
  bare.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO \"my t\" (id,\"we\"\"ird\") VALUES\n(1,'a');\n");
}

TEST(InsertFormatterTest, NullDiffersFromTheStringNullAndFromEmpty) {
  InsertFormatter f("d", "t",
                    {{"a", ValueEncoding::kString, ""},
                     {"b", ValueEncoding::kString, ""},
                     {"c", ValueEncoding::kString, ""},
                     {"d", ValueEncoding::kRaw, ""},
                     {"e", ValueEncoding::kHex, ""}},
                    1 << 20);
  std::string out;
  Append(&f, &out, {std::nullopt, "NULL", "", std::nullopt, std::nullopt});
  f.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO `d`.`t` (`a`,`b`,`c`,`d`,`e`) VALUES\n(NULL,'NULL','',NULL,NULL);\n");
}

TEST(InsertFormatterTest, EncodingsPerColumn) {
  InsertFormatter f("d", "t",
                    {{"n", ValueEncoding::kRaw, ""},
                     {"s", ValueEncoding::kString, ""},
                     {"b", ValueEncoding::kHex, ""},
                     {"g", ValueEncoding::kHexWithCharset, "gbk"},
                     {"e", ValueEncoding::kHexWithCharset, "latin1"}},
                    1 << 20);
  std::string out;
  Append(&f, &out, {"-1.5e10", "x\ny", std::string("\0\xff", 2), "\xB1\x5C", ""});
  f.Finish(&out);
  EXPECT_EQ(out,
            "INSERT INTO `d`.`t` (`n`,`s`,`b`,`g`,`e`) VALUES\n"
            "(-1.5e10,'x\\ny',0x00FF,_gbk 0xB15C,_latin1 '');\n");
}

// From kQuotedValueFrom bytes on, binary values (and text in a charset that allows it) are an
// escaped string after their introducer: about their own size instead of twice it, so that a
// row the server could store still fits its max_allowed_packet as one INSERT.
TEST(InsertFormatterTest, LargeValuesAreEscapedStringsInsteadOfHex) {
  std::vector<ColumnFormat> columns = {{"b", ValueEncoding::kHex, ""},
                                       {"l", ValueEncoding::kHexWithCharset, "latin1"},
                                       {"g", ValueEncoding::kHexWithCharset, "gbk"}};
  for (ColumnFormat& c : columns) c.quote_large = c.charset != "gbk";
  InsertFormatter f("d", "t", columns, 1 << 20);
  const std::string body(kQuotedValueFrom - 4, 'x');
  const std::string large = std::string("\0'\\", 3) + body + "\xE9";  // NUL, quote, backslash
  const std::string small = large.substr(0, kQuotedValueFrom - 1);
  std::string out;
  Append(&f, &out, {large, large, large});
  Append(&f, &out, {small, std::nullopt, std::nullopt});
  f.Finish(&out);
  const std::string escaped = "\\0\\'\\\\" + body + "\xE9";
  EXPECT_NE(out.find("(_binary '" + escaped + "',_latin1 '" + escaped + "',_gbk 0x00275C78"),
            std::string::npos)
      << out.substr(0, 200);
  EXPECT_NE(out.find("\n(0x00275C7878"), std::string::npos) << "below the threshold: hex";
  // Without quote_large (mysqldump --hex-blob) every value stays hex.
  columns[0].quote_large = false;
  InsertFormatter hex("d", "t", {columns[0]}, 1 << 20);
  std::string all_hex;
  Append(&hex, &all_hex, {large});
  hex.Finish(&all_hex);
  EXPECT_NE(all_hex.find("\n(0x00275C"), std::string::npos);
  EXPECT_EQ(all_hex.find("_binary"), std::string::npos);
}

TEST(InsertFormatterTest, ValuesNeedNotBeNulTerminated) {
  InsertFormatter f("d", "t", IdAndName(), 1 << 20);
  const char buffer[] = "12345hello world";
  const char* values[] = {buffer, buffer + 5};
  const unsigned long lengths[] = {2, 5};
  std::string out;
  f.AppendRow(&out, values, lengths);
  f.Finish(&out);
  EXPECT_EQ(out, "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(12,'hello');\n");
}

TEST(InsertFormatterTest, FinishIsIdempotentAndANewStatementFollows) {
  InsertFormatter f("d", "t", IdAndName(), 1 << 20);
  std::string out;
  f.Finish(&out);
  EXPECT_EQ(out, "");
  Append(&f, &out, {"1", "a"});
  f.Finish(&out);
  f.Finish(&out);
  Append(&f, &out, {"2", "b"});
  f.Finish(&out);
  EXPECT_EQ(out,
            "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(1,'a');\n"
            "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(2,'b');\n");
}

TEST(InsertFormatterTest, StatementsAreFilledUpToTheLimitAndNeverBeyond) {
  const std::string prefix = "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n";
  const size_t limit = 300;
  InsertFormatter f("d", "t", IdAndName(), limit);
  std::string out;
  std::vector<std::string> tuples;
  for (int i = 0; i < 200; ++i) {
    const std::string name(static_cast<size_t>(i % 37), static_cast<char>('a' + i % 26));
    Append(&f, &out, {std::to_string(i), name});
    tuples.push_back(
        std::string("(").append(std::to_string(i)).append(",'").append(name).append("')"));
  }
  f.Finish(&out);

  const std::vector<std::string> statements = Statements(out);
  ASSERT_GT(statements.size(), 5u);
  size_t next = 0;
  for (size_t s = 0; s < statements.size(); ++s) {
    const std::string& st = statements[s];
    EXPECT_LE(st.size(), limit) << st;
    ASSERT_EQ(st.substr(0, prefix.size()), prefix);
    // Rebuild the statement from the expected tuples and check it is exactly this one.
    std::string expected = prefix + tuples[next++];
    while (next < tuples.size() && expected.size() + 2 + tuples[next].size() + 2 <= limit) {
      expected += ",\n";
      expected += tuples[next++];
    }
    EXPECT_EQ(st, expected + ";\n");
    if (next < tuples.size()) {  // greedy: the next row would not have fitted
      EXPECT_GT(st.size() + 2 + tuples[next].size(), limit);
    }
  }
  EXPECT_EQ(next, tuples.size());
}

TEST(InsertFormatterTest, ARowLargerThanTheLimitStandsAlone) {
  InsertFormatter f("d", "t", IdAndName(), 120);
  std::string out;
  Append(&f, &out, {"1", "a"});
  Append(&f, &out, {"2", std::string(500, 'x')});
  Append(&f, &out, {"3", "c"});
  Append(&f, &out, {"4", "d"});
  f.Finish(&out);
  const std::vector<std::string> statements = Statements(out);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(1,'a');\n");
  EXPECT_EQ(statements[1],
            "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(2,'" + std::string(500, 'x') + "');\n");
  EXPECT_EQ(statements[2], "INSERT INTO `d`.`t` (`id`,`name`) VALUES\n(3,'c'),\n(4,'d');\n");
}

TEST(InsertFormatterTest, ALimitBelowThePrefixGivesOneRowPerStatement) {
  InsertFormatter f("d", "t", IdAndName(), 10);
  std::string out;
  for (int i = 0; i < 3; ++i) Append(&f, &out, {std::to_string(i), "v"});
  f.Finish(&out);
  EXPECT_EQ(Statements(out).size(), 3u);
}

TEST(InsertFormatterTest, CallerMayTakeTheTextAwayBetweenRows) {
  // The dumper hands the buffer to the compressor between rows; the SQL must not change.
  InsertFormatter whole("d", "t", IdAndName(), 200);
  InsertFormatter pieces("d", "t", IdAndName(), 200);
  std::string expected, taken, buffer;
  for (int i = 0; i < 50; ++i) {
    const Row row = {std::to_string(i * 7919), std::string(static_cast<size_t>(i % 23), 'q')};
    Append(&whole, &expected, row);
    Append(&pieces, &buffer, row);
    taken += buffer;
    buffer.clear();
  }
  whole.Finish(&expected);
  pieces.Finish(&buffer);
  taken += buffer;
  EXPECT_EQ(taken, expected);
  EXPECT_GT(Statements(expected).size(), 3u);
}

TEST(InsertFormatterTest, ValuesWithEveryByteStayInsideTheirLiteral) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  InsertFormatter f("d", "t", {{"s", ValueEncoding::kString, ""}}, 1 << 20);
  std::string out;
  Append(&f, &out, {all});
  f.Finish(&out);
  const std::string prefix = "INSERT INTO `d`.`t` (`s`) VALUES\n('";
  ASSERT_EQ(out.substr(0, prefix.size()), prefix);
  EXPECT_EQ(out.substr(out.size() - 4), "');\n");
  EXPECT_EQ(out.size(), prefix.size() + 256 + 7 + 4);  // 7 escaped bytes
  EXPECT_EQ(out.find('\n', prefix.size()), out.size() - 1);
}

}  // namespace
}  // namespace myvault::sql
