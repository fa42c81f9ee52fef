#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>

#include "myvault/sql/text.h"

namespace myvault::sql {
namespace {

// Decodes a MySQL single-quoted string literal the way the server's lexer does with backslash
// escapes on (sql/sql_lex.cc): \0 \b \n \r \t \Z map to control bytes, \% and \_ keep their
// backslash, any other escaped byte stands for itself, and '' inside the quotes is one quote.
// Returns nullopt if `literal` is not exactly one well-formed literal.
std::optional<std::string> UnescapeMysqlLiteral(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '\'' || literal.back() != '\'') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < literal.size(); ++i) {
    const char c = literal[i];
    if (c == '\'') {
      if (i + 2 < literal.size() && literal[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      return std::nullopt;  // the literal ends early
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= literal.size()) return std::nullopt;  // the backslash escapes the closing quote
    constexpr std::string_view kEscaped = "0bnrtZ";
    constexpr std::string_view kMeaning("\0\b\n\r\t\x1A", 6);
    const char e = literal[++i];
    if (const size_t k = kEscaped.find(e); k != std::string_view::npos) {
      out.push_back(kMeaning[k]);
    } else {
      if (e == '%' || e == '_') out.push_back('\\');
      out.push_back(e);
    }
  }
  return out;
}

std::string StringLiteral(std::string_view bytes) {
  std::string out;
  AppendStringLiteral(&out, bytes);
  return out;
}

std::string HexLiteral(std::string_view bytes) {
  std::string out;
  AppendHexLiteral(&out, bytes);
  return out;
}

std::string ReferenceHex(std::string_view bytes) {
  if (bytes.empty()) return "''";
  std::string out = "0x";
  for (const char c : bytes) {
    char pair[3];
    std::snprintf(pair, sizeof(pair), "%02X", static_cast<unsigned char>(c));
    out += pair;
  }
  return out;
}

std::string AllBytes() {
  std::string s;
  for (int b = 0; b < 256; ++b) s.push_back(static_cast<char>(b));
  return s;
}

TEST(SqlTextTest, EscapesExactlyLikeMysqlRealEscapeString) {
  EXPECT_EQ(StringLiteral(std::string_view("\0", 1)), "'\\0'");
  EXPECT_EQ(StringLiteral("\n"), "'\\n'");
  EXPECT_EQ(StringLiteral("\r"), "'\\r'");
  EXPECT_EQ(StringLiteral("\\"), "'\\\\'");
  EXPECT_EQ(StringLiteral("'"), "'\\''");
  EXPECT_EQ(StringLiteral("\""), "'\\\"'");
  EXPECT_EQ(StringLiteral("\x1A"), "'\\Z'");
  EXPECT_EQ(StringLiteral("\t\b%_"), "'\t\b%_'");  // not escaped by mysql_real_escape_string
  EXPECT_EQ(StringLiteral(""), "''");
  EXPECT_EQ(StringLiteral("O'Reilly \\ \"x\"\n"), "'O\\'Reilly \\\\ \\\"x\\\"\\n'");
  EXPECT_EQ(StringLiteral("h\xC3\xA9llo"), "'h\xC3\xA9llo'");
}

TEST(SqlTextTest, EveryByteRoundTripsAlone) {
  for (int b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    const std::string literal = StringLiteral(in);
    EXPECT_EQ(UnescapeMysqlLiteral(literal), in) << "byte " << b << " -> " << literal;
  }
}

TEST(SqlTextTest, AllBytesRoundTripAtEveryOffsetAndLength) {
  // Lengths and offsets cross the 16-byte blocks the fast path works in.
  const std::string all = AllBytes() + AllBytes();
  for (size_t offset = 0; offset < 40; ++offset) {
    for (size_t len = 0; len < 70; ++len) {
      const std::string in = all.substr(offset, len);
      ASSERT_EQ(UnescapeMysqlLiteral(StringLiteral(in)), in) << offset << "+" << len;
    }
  }
  EXPECT_EQ(UnescapeMysqlLiteral(StringLiteral(all)), all);
}

TEST(SqlTextTest, OutputHasNoRawBytesThatBreakALineOrAStatement) {
  const std::string literal = StringLiteral(AllBytes());
  const std::string_view body(literal.data() + 1, literal.size() - 2);
  EXPECT_EQ(body.find('\n'), std::string_view::npos);
  EXPECT_EQ(body.find('\r'), std::string_view::npos);
  EXPECT_EQ(body.find('\0'), std::string_view::npos);
  EXPECT_EQ(body.find('\x1A'), std::string_view::npos);
  EXPECT_EQ(literal.size(), 2 + 256 + 7u);  // one backslash per escaped byte
}

TEST(SqlTextTest, EscapeHeavyLongTextRoundTrips) {
  std::string in;
  for (int i = 0; i < 1000; ++i) in += (i % 3 == 0) ? "'\\" : "ab\n\"";
  EXPECT_EQ(UnescapeMysqlLiteral(StringLiteral(in)), in);
}

TEST(SqlTextTest, AppendKeepsWhatIsAlreadyThere) {
  std::string out = "VALUES (";
  AppendStringLiteral(&out, "a'b");
  out += ",";
  AppendHexLiteral(&out, "\x01");
  EXPECT_EQ(out, "VALUES ('a\\'b',0x01");
}

TEST(SqlTextTest, HexOfAllBytesIsUppercasePairs) {
  const std::string hex = HexLiteral(AllBytes());
  ASSERT_EQ(hex.size(), 2 + 512u);
  EXPECT_EQ(hex.substr(0, 8), "0x000102");
  EXPECT_EQ(hex.substr(2 + 2 * 0xAB, 2), "AB");
  EXPECT_EQ(hex.substr(hex.size() - 4), "FEFF");
  EXPECT_EQ(hex, ReferenceHex(AllBytes()));
}

TEST(SqlTextTest, HexMatchesReferenceForEveryLength) {
  const std::string all = AllBytes();
  for (size_t len = 0; len < 100; ++len) {
    const std::string in = all.substr(200 - len, len);
    ASSERT_EQ(HexLiteral(in), ReferenceHex(in)) << len;
  }
}

TEST(SqlTextTest, EmptyHexIsAnEmptyString) { EXPECT_EQ(HexLiteral(""), "''"); }

TEST(SqlTextTest, IdentifiersAreBacktickQuotedWithBackticksDoubled) {
  EXPECT_EQ(QuoteIdentifier("orders"), "`orders`");
  EXPECT_EQ(QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifier("``"), "``````");
  EXPECT_EQ(QuoteIdentifier("my table"), "`my table`");
  EXPECT_EQ(QuoteIdentifier("caf\xC3\xA9_\xE8\xA1\xA8"), "`caf\xC3\xA9_\xE8\xA1\xA8`");
  EXPECT_EQ(QuoteIdentifier(""), "``");
  EXPECT_EQ(QualifiedName("shop", "order`s"), "`shop`.`order``s`");
  std::string out = "x ";
  AppendIdentifier(&out, "`a");
  EXPECT_EQ(out, "x ```a`");
}

// mariadb-dump --skip-quote-names: letters, digits, _, $ and UTF-8 bytes stay bare; anything
// else (a space, a dash, a backtick, a dot) gets backticks. Keywords stay bare, as there.
TEST(SqlTextTest, IdentifiersGetBackticksOnlyWhenTheyNeedThem) {
  EXPECT_EQ(QuoteIdentifierIfNeeded("orders"), "orders");
  EXPECT_EQ(QuoteIdentifierIfNeeded("Order_2$x"), "Order_2$x");
  EXPECT_EQ(QuoteIdentifierIfNeeded("123"), "123");
  EXPECT_EQ(QuoteIdentifierIfNeeded("order"), "order");
  EXPECT_EQ(QuoteIdentifierIfNeeded("caf\xC3\xA9_\xE8\xA1\xA8"), "caf\xC3\xA9_\xE8\xA1\xA8");
  EXPECT_EQ(QuoteIdentifierIfNeeded("my table"), "`my table`");
  EXPECT_EQ(QuoteIdentifierIfNeeded("a-b"), "`a-b`");
  EXPECT_EQ(QuoteIdentifierIfNeeded("a.b"), "`a.b`");
  EXPECT_EQ(QuoteIdentifierIfNeeded("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifierIfNeeded(""), "``");
  std::string out = "x ";
  AppendIdentifierIfNeeded(&out, "t1");
  AppendIdentifierIfNeeded(&out, "t 2");
  EXPECT_EQ(out, "x t1`t 2`");
}

TEST(SqlTextTest, CommentTextStaysOnOneLine) {
  EXPECT_EQ(EscapeLikeComment("plain text \xC3\xA9"), "plain text \xC3\xA9");
  EXPECT_EQ(EscapeLikeComment("a\nb\r\nc\td\\e"), "a\\nb\\r\\nc\\td\\\\e");
  EXPECT_EQ(EscapeLikeComment(std::string("x\0y\x7F", 4)), "x\\x00y\\x7F");
  for (const std::string& s : {std::string("plain"), std::string("a\nb\r\nc\td\\e"),
                               std::string("x\0y\x7F\x01z", 6), std::string("trail\\")}) {
    EXPECT_EQ(UnescapeComment(EscapeLikeComment(s)), s);
  }
  EXPECT_EQ(UnescapeComment("cut \\x4"), "cut \\x4");
  const std::string escaped = EscapeLikeComment(AllBytes());
  for (const char c : escaped) {
    const auto b = static_cast<unsigned char>(c);
    EXPECT_TRUE(b >= 0x20 && b != 0x7F) << "control byte " << int{b};
  }
}

}  // namespace
}  // namespace myvault::sql
