#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "myvault/sql/row_format.h"
#include "myvault/sql/script.h"
#include "myvault/sql/tsv.h"
#include "row_test_helpers.h"

namespace myvault::sql {
namespace {

using testing::Append;
using testing::Row;

// Reads LOAD DATA bytes the way the server does with the default FIELDS TERMINATED BY '\t'
// ESCAPED BY '\\' (no ENCLOSED BY) LINES TERMINATED BY '\n' (sql/sql_load.cc, READ_INFO): a field
// that is exactly \N is NULL; \0 \b \n \r \t \Z stand for NUL, backspace, LF, CR, TAB and ^Z; any
// other escaped byte stands for itself; unescaped TAB and LF end fields and lines. Returns nullopt
// on a dangling backslash or a last line without LF.
std::optional<std::vector<Row>> DecodeTsv(std::string_view data) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool escaped_field = false;  // the field is exactly "\N" so far
  auto end_field = [&] {
    if (escaped_field && field == "N") {
      row.emplace_back(std::nullopt);
    } else {
      row.emplace_back(field);
    }
    field.clear();
    escaped_field = false;
  };
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\t') {
      end_field();
    } else if (c == '\n') {
      end_field();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c == '\\') {
      if (++i == data.size()) return std::nullopt;
      const char e = data[i];
      if (e == 'N' && field.empty() && !escaped_field) {
        escaped_field = true;
        field = "N";  // a lone \N, or the letter N if more follows
        continue;
      }
      escaped_field = false;
      switch (e) {
        case '0': field.push_back('\0'); break;
        case 'b': field.push_back('\b'); break;
        case 'n': field.push_back('\n'); break;
        case 'r': field.push_back('\r'); break;
        case 't': field.push_back('\t'); break;
        case 'Z': field.push_back('\x1A'); break;
        default: field.push_back(e);
      }
    } else {
      escaped_field = false;
      field.push_back(c);
    }
  }
  if (!row.empty() || !field.empty()) return std::nullopt;
  return rows;
}

// Formats `rows` with InsertFormatter (statements of at most `statement_size` bytes), converts
// every statement into one batch and returns it.
TsvBatch RoundTrip(const std::vector<ColumnFormat>& columns, const std::vector<Row>& rows,
                   size_t statement_size, size_t* statement_count = nullptr) {
  InsertFormatter f("d`b", "t", columns, statement_size);
  std::string sql;
  for (const Row& row : rows) Append(&f, &sql, row);
  f.Finish(&sql);
  std::vector<std::string_view> statements;
  EXPECT_TRUE(SplitStatements(sql, &statements).ok());
  if (statement_count != nullptr) *statement_count = statements.size();
  TsvBatch batch;
  for (std::string_view s : statements) {
    const Status st = InsertToTsv(s, &batch);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return batch;
}

std::string AllBytes() {
  std::string s;
  for (int b = 0; b < 256; ++b) s.push_back(static_cast<char>(b));
  return s;
}

std::vector<ColumnFormat> AllEncodings() {
  return {{"id", ValueEncoding::kRaw, ""},
          {"s", ValueEncoding::kString, ""},
          {"b", ValueEncoding::kHex, ""},
          {"l", ValueEncoding::kHexWithCharset, "latin1"}};
}

TEST(InsertToTsvTest, SmallStatementExactly) {
  TsvBatch batch;
  ASSERT_TRUE(InsertToTsv("INSERT INTO `db`.`t` (`a`,`b``c`,`d`) VALUES\n"
                          "(1,'x\\'y\\\\z',0x00090A41),\n"
                          "(-1.5e-7,NULL,''),\n"
                          "(0,'',_latin1 0xE9)",
                          &batch)
                  .ok());
  EXPECT_EQ(batch.table, "`db`.`t`");
  EXPECT_EQ(batch.columns, (std::vector<std::string>{"`a`", "`b``c`", "`d`"}));
  EXPECT_EQ(batch.rows, 3u);
  EXPECT_EQ(batch.data,
            "1\tx'y\\\\z\t\\0\\t\\nA\n"
            "-1.5e-7\t\\N\t\n"
            "0\t\t\xE9\n");
}

TEST(InsertToTsvTest, EveryByteInStringsAndHex) {
  const std::string all = AllBytes();
  const std::vector<Row> rows = {{"1", all, all, all}, {"2", "\\N", "\\N", "N"}};
  const TsvBatch batch = RoundTrip(AllEncodings(), rows, 1 << 20);
  EXPECT_EQ(batch.rows, 2u);
  EXPECT_EQ(DecodeTsv(batch.data), rows);
  // No field or line separator survives unescaped inside a value.
  EXPECT_EQ(std::count(batch.data.begin(), batch.data.end(), '\n'), 2);
  EXPECT_EQ(std::count(batch.data.begin(), batch.data.end(), '\t'), 6);
}

TEST(InsertToTsvTest, RandomRowsRoundTripThroughInsertFormatter) {
  std::mt19937_64 rng(1234);
  const std::vector<std::string> numbers = {"0",
                                            "-0",
                                            "42",
                                            "-9223372036854775808",
                                            "18446744073709551615",
                                            "1.5e-7",
                                            "-3.25E+300",
                                            "12345678901234567890.0123456789",
                                            "+7",
                                            ".5"};
  auto random_bytes = [&] {
    std::string s(rng() % 40, '\0');
    for (char& c : s) {
      // Every byte value, with the awkward ones much more often than chance.
      const uint64_t r = rng();
      c = r % 3 == 0 ? "\t\n\r\\'\"\x1A\0N"[r / 3 % 9] : static_cast<char>(r >> 8);
    }
    return s;
  };
  auto random_value = [&](size_t column) -> std::optional<std::string> {
    switch (rng() % 8) {
      case 0: return std::nullopt;
      case 1: return std::string();
      case 2: return std::string("\\N");
      default: return column == 0 ? numbers[rng() % numbers.size()] : random_bytes();
    }
  };
  std::vector<Row> rows;
  for (int i = 0; i < 2000; ++i) {
    Row row;
    for (size_t c = 0; c < 4; ++c) {
      auto v = random_value(c);
      if (c == 0 && v && v->empty()) v = "1";  // a raw number is never empty
      if (c == 0 && v && *v == "\\N") v = "2";
      row.push_back(std::move(v));
    }
    rows.push_back(std::move(row));
  }
  size_t statements = 0;
  const TsvBatch batch = RoundTrip(AllEncodings(), rows, 4096, &statements);
  EXPECT_GT(statements, 10u);  // several statements appended to one batch
  EXPECT_EQ(batch.table, "`d``b`.`t`");
  EXPECT_EQ(batch.columns, (std::vector<std::string>{"`id`", "`s`", "`b`", "`l`"}));
  EXPECT_EQ(batch.rows, rows.size());
  const auto decoded = DecodeTsv(batch.data);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ((*decoded)[i], rows[i]) << "row " << i;
}

// Large binary and latin1 values come as `_binary '...'` / `_latin1 '...'` escaped strings
// (kQuotedValueFrom): LOAD DATA must get exactly their bytes.
TEST(InsertToTsvTest, LargeValuesAsIntroducedStringsRoundTrip) {
  std::vector<ColumnFormat> columns = AllEncodings();
  for (ColumnFormat& c : columns) c.quote_large = true;
  std::string large;
  while (large.size() < 3 * kQuotedValueFrom) large += AllBytes();
  const std::vector<Row> rows = {{"1", large, large, large}, {"2", "x", std::nullopt, "\xE9"}};
  const TsvBatch batch = RoundTrip(columns, rows, 1 << 20);
  EXPECT_EQ(batch.rows, 2u);
  EXPECT_EQ(DecodeTsv(batch.data), rows);
}

// Raw TABs (which the dumper does not escape) and raw control bytes make the output longer than
// the input; the buffer must grow.
TEST(InsertToTsvTest, OutputLongerThanInput) {
  const std::string tabs(100000, '\t');
  TsvBatch batch;
  const std::string raw_controls = "INSERT INTO `d`.`t` (`a`) VALUES\n('\n\r\x1A')";
  ASSERT_TRUE(InsertToTsv(raw_controls, &batch).ok());
  ASSERT_TRUE(InsertToTsv("INSERT INTO `d`.`t` (`a`) VALUES\n('" + tabs + "')", &batch).ok());
  std::string expected = "\\n\\r\\Z\n";
  for (size_t i = 0; i < tabs.size(); ++i) expected += "\\t";
  expected += "\n";
  EXPECT_EQ(batch.data, expected);
}

TEST(InsertToTsvTest, AcceptsTrailingSemicolonAndWhitespace) {
  TsvBatch batch;
  ASSERT_TRUE(InsertToTsv("INSERT INTO `d`.`t` (`a`) VALUES\n(1),\n(2);\n", &batch).ok());
  EXPECT_EQ(batch.data, "1\n2\n");
}

TEST(InsertToTsvTest, OtherTableOrColumnsIsInvalidArgument) {
  TsvBatch batch;
  ASSERT_TRUE(InsertToTsv("INSERT INTO `d`.`t` (`a`,`b`) VALUES\n(1,2)", &batch).ok());
  const TsvBatch before = batch;
  for (const char* other :
       {"INSERT INTO `d`.`u` (`a`,`b`) VALUES\n(3,4)",
        "INSERT INTO `e`.`t` (`a`,`b`) VALUES\n(3,4)",
        "INSERT INTO `d`.`t` (`a`,`c`) VALUES\n(3,4)", "INSERT INTO `d`.`t` (`a`) VALUES\n(3)"}) {
    const Status st = InsertToTsv(other, &batch);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << other;
    EXPECT_EQ(batch.data, before.data);
    EXPECT_EQ(batch.rows, before.rows);
    EXPECT_EQ(batch.columns, before.columns);
  }
}

// Every proper prefix of a statement is either corrupt or ends right after a row's ')' (and then
// converts to the rows before the cut); a failed call leaves the batch as it was.
TEST(InsertToTsvTest, TruncatedStatementsAreCorrupt) {
  const std::string statement =
      "INSERT INTO `d`.`t` (`a`,`b`,`c`) VALUES\n"
      "(1,'x\\'y\\\\',0xABCD),\n"
      "(NULL,_latin1 0x41,'')";
  for (size_t n = 0; n < statement.size(); ++n) {
    TsvBatch batch;
    batch.data = "keep";
    const Status st = InsertToTsv(std::string_view(statement).substr(0, n), &batch);
    if (n > 50 && statement[n - 1] == ')') {
      EXPECT_TRUE(st.ok()) << n << ": " << st.ToString();
      EXPECT_EQ(batch.data, "keep1\tx'y\\\\\t\xAB\xCD\n");
      continue;
    }
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << n;
    EXPECT_EQ(batch.data, "keep");
    EXPECT_EQ(batch.rows, 0u);
    EXPECT_TRUE(batch.columns.empty());
  }
}

Status Convert(std::string_view values) {
  TsvBatch batch;
  return InsertToTsv("INSERT INTO `d`.`t` (`a`,`b`) VALUES\n" + std::string(values), &batch);
}

TEST(InsertToTsvTest, MalformedValuesAreCorruptWithTheirOffset) {
  // The prefix "INSERT INTO `d`.`t` (`a`,`b`) VALUES\n" is 37 bytes.
  struct Case {
    const char* values;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"(1,'a\\tb')", "unknown escape in string at byte 42"},
           {"(1,'a\\xb')", "unknown escape in string at byte 42"},
           {"(1,0xABC)", "odd number of hex digits at byte 40"},
           {"(1,0x)", "hex literal without digits at byte 40"},
           {"(1,0xAG)", "odd number of hex digits at byte 40"},
           {"(1,'abc", "unterminated string at byte 40"},
           {"(1,'abc\\", "unterminated string at byte 40"},
           {"(1)", "',' expected (fewer values than columns, or a bad value) at byte 39"},
           {"(1,2,3)", "')' expected (more values than columns, or a bad value) at byte 41"},
           {"(1,NUL)", "value expected at byte 40"},
           {"(1,abc)", "value expected at byte 40"},
           {"(1,2) (3,4)", "',' or the end of the statement expected at byte 43"},
           {"(1,2),\n", "statement ends early, '(' expected at byte 44"},
           {"(1,_ 0x41)", "bad charset introducer at byte 40"},
           {"(1,_latin1 NULL)",
            "hex or string literal expected after a charset introducer at byte 48"},
       }) {
    const Status st = Convert(c.values);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << c.values;
    EXPECT_EQ(st.message(), std::string("INSERT to TSV: ") + c.message) << c.values;
  }
  TsvBatch batch;
  EXPECT_EQ(InsertToTsv("INSERT INTO `d`.`t` VALUES (1)", &batch).code(), StatusCode::kCorrupt);
  EXPECT_EQ(InsertToTsv("REPLACE INTO `d`.`t` (`a`) VALUES (1)", &batch).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(InsertToTsv("INSERT INTO `d (`a`) VALUES (1)", &batch).code(), StatusCode::kCorrupt);
}

// The values of a RowBatch as rows (nullopt for NULL), checking that its arrays agree.
std::vector<Row> RowsOf(const RowBatch& batch) {
  std::vector<Row> rows;
  const size_t n = batch.columns.size();
  EXPECT_EQ(batch.ends.size(), batch.rows * n);
  EXPECT_EQ(batch.nulls.size(), batch.ends.size());
  size_t begin = 0;
  for (size_t k = 0; k < batch.ends.size(); ++k) {
    if (k % n == 0) rows.emplace_back();
    const size_t end = batch.ends[k];
    if (batch.nulls[k] != 0) {
      EXPECT_EQ(end, begin) << "a NULL with bytes, value " << k;
      rows.back().emplace_back(std::nullopt);
    } else {
      rows.back().emplace_back(batch.data.substr(begin, end - begin));
    }
    begin = end;
  }
  EXPECT_EQ(begin, batch.data.size());
  return rows;
}

TEST(InsertToRowsTest, SmallStatementExactly) {
  RowBatch batch;
  ASSERT_TRUE(InsertToRows("INSERT INTO `db`.`t` (`a`,`b``c`,`d`) VALUES\n"
                           "(1,'x\\'y\\\\z\\0\\n\\r\\Z\t',0x00090A41),\n"
                           "(-1.5e-7,NULL,''),\n"
                           "(0,'',_latin1 0xE9)",
                           &batch)
                  .ok());
  EXPECT_EQ(batch.table, "`db`.`t`");
  EXPECT_EQ(batch.columns, (std::vector<std::string>{"`a`", "`b``c`", "`d`"}));
  EXPECT_EQ(batch.rows, 3u);
  EXPECT_EQ(RowsOf(batch),
            (std::vector<Row>{
                {"1", std::string("x'y\\z\0\n\r\x1A\t", 10), std::string("\0\t\nA", 4)},
                {"-1.5e-7", std::nullopt, ""},
                {"0", "", "\xE9"},
            }));
}

// Every byte, and random rows over several statements, come back as the formatter's input.
TEST(InsertToRowsTest, RandomRowsRoundTripThroughInsertFormatter) {
  std::mt19937_64 rng(99);
  const std::string all = AllBytes();
  std::vector<Row> rows = {{"1", all, all, all}, {"2", "\\N", "\\N", "N"}};
  for (int i = 0; i < 1000; ++i) {
    Row row = {std::to_string(rng() % 100000)};
    for (int c = 0; c < 3; ++c) {
      std::string s(rng() % 30, '\0');
      for (char& b : s) b = static_cast<char>(rng());
      if (rng() % 7 == 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::move(s));
      }
    }
    rows.push_back(std::move(row));
  }
  InsertFormatter f("d", "t", AllEncodings(), 4096);
  std::string sql;
  for (const Row& row : rows) Append(&f, &sql, row);
  f.Finish(&sql);
  std::vector<std::string_view> statements;
  ASSERT_TRUE(SplitStatements(sql, &statements).ok());
  EXPECT_GT(statements.size(), 10u);
  RowBatch batch;
  for (std::string_view s : statements) ASSERT_TRUE(InsertToRows(s, &batch).ok());
  EXPECT_EQ(batch.rows, rows.size());
  EXPECT_EQ(RowsOf(batch), rows);
}

TEST(InsertToRowsTest, ErrorsLeaveTheBatchAsItWas) {
  RowBatch batch;
  ASSERT_TRUE(InsertToRows("INSERT INTO `d`.`t` (`a`,`b`) VALUES\n(1,NULL)", &batch).ok());
  const RowBatch before = batch;
  for (const char* bad : {"INSERT INTO `d`.`t` (`a`,`b`) VALUES\n(2,'x'),\n(3,0xABC)",
                          "INSERT INTO `d`.`t` (`a`,`b`) VALUES\n(2,NULL),\n(3,NUL)",
                          "INSERT INTO `d`.`u` (`a`,`b`) VALUES\n(2,3)"}) {
    const Status st = InsertToRows(bad, &batch);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_EQ(batch.data, before.data);
    EXPECT_EQ(batch.ends, before.ends);
    EXPECT_EQ(batch.nulls, before.nulls);
    EXPECT_EQ(batch.rows, before.rows);
  }
  EXPECT_EQ(InsertToRows("INSERT INTO `d`.`t` (`a`,`b`) VALUES\n(1,0xAG)", &batch).message(),
            "INSERT to values: odd number of hex digits at byte 40");
}

}  // namespace
}  // namespace myvault::sql
