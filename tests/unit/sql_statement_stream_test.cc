// StatementStream against StatementSplitter: fed in pieces of every size, the stream must return
// exactly the statements (and offsets) the splitter finds in the whole text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "myvault/sql/statement_stream.h"
#include "restore/plain_scan.h"

namespace myvault::sql {
namespace {

struct Found {
  std::vector<std::string> statements;
  std::vector<uint64_t> offsets;
  Status status;
};

Found Whole(std::string_view text) {
  Found f;
  StatementSplitter splitter(text);
  for (std::string_view s; splitter.Next(&s);) {
    f.statements.emplace_back(s);
    f.offsets.push_back(static_cast<uint64_t>(s.data() - text.data()));
  }
  f.status = splitter.status();
  return f;
}

Found Streamed(std::string_view text, size_t piece, size_t max_statement = 1 << 20) {
  Found f;
  StatementStream stream(max_statement);
  size_t fed = 0;
  while (true) {
    std::string_view s;
    uint64_t offset = 0;
    if (stream.Next(&s, &offset)) {
      f.statements.emplace_back(s);
      f.offsets.push_back(offset);
      continue;
    }
    if (!stream.status().ok() || stream.at_end()) break;
    if (fed == text.size()) {
      stream.Finish();
    } else {
      const size_t n = std::min(piece, text.size() - fed);
      stream.Append(text.substr(fed, n));
      fed += n;
    }
  }
  f.status = stream.status();
  return f;
}

const char* const kScripts[] = {
    "SELECT 1;\nSELECT 2;\n",
    "/*!40101 SET @OLD=@@X */;\n-- comment; not a statement\n# another; one\n"
    "INSERT INTO `t` VALUES (1,'a;b\\'c'),(2,\"x;\ny\");\n/* block;\n comment */ SELECT 3;",
    "DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (\n  `a` int\n) ENGINE=InnoDB;\n"
    "DELIMITER ;;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.a = 1;\n"
    "END ;;\nDELIMITER ;\nINSERT INTO `t` VALUES (1);\n",
    "SELECT 'multi\nline\nstring;' ;\nSELECT `odd``;name`;\n\n   \n-- trailing comment\n",
    "SELECT 1;\nSELECT 'last without delimiter'",
    "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\n",
};

TEST(StatementStream, MatchesTheSplitterForEveryPieceSize) {
  for (const char* script : kScripts) {
    const std::string text = script;
    const Found whole = Whole(text);
    ASSERT_TRUE(whole.status.ok()) << whole.status.message();
    for (size_t piece = 1; piece <= text.size() + 1; ++piece) {
      const Found streamed = Streamed(text, piece);
      ASSERT_TRUE(streamed.status.ok()) << streamed.status.message() << " piece " << piece;
      EXPECT_EQ(streamed.statements, whole.statements) << "piece " << piece << "\n" << text;
      EXPECT_EQ(streamed.offsets, whole.offsets) << "piece " << piece;
    }
  }
}

TEST(StatementStream, LongStatementsAcrossManyPieces) {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "INSERT INTO `t` VALUES ";
    for (int r = 0; r < 2000; ++r) text += (r ? ",(" : "(") + std::to_string(r) + ",'x;y\nz')";
    text += ";\n";
  }
  const Found whole = Whole(text);
  for (size_t piece : {size_t{1000}, size_t{65536}}) {
    const Found streamed = Streamed(text, piece);
    ASSERT_TRUE(streamed.status.ok()) << streamed.status.message();
    EXPECT_EQ(streamed.statements, whole.statements);
    EXPECT_EQ(streamed.offsets, whole.offsets);
  }
}

TEST(StatementStream, ErrorsNameTheOffsetInTheWholeScript) {
  const std::string text = "SELECT 1;\nSELECT 2;\nSELECT 'never closed;\nSELECT 3;\n";
  const Found whole = Whole(text);
  ASSERT_FALSE(whole.status.ok());
  for (size_t piece : {size_t{1}, size_t{5}, size_t{100}}) {
    const Found streamed = Streamed(text, piece);
    EXPECT_EQ(streamed.statements, whole.statements);
    EXPECT_EQ(streamed.status.code(), StatusCode::kCorrupt);
    EXPECT_EQ(streamed.status.message(), whole.status.message()) << piece;
  }
  // A statement that outgrows max_statement is refused instead of buffered for ever.
  const std::string open = "SELECT 'x" + std::string(5000, 'y') + "\n" + std::string(5000, 'z');
  const Found big = Streamed(open + "';\n" + std::string(3 << 20, '\n'), 1000, 2000);
  EXPECT_EQ(big.status.code(), StatusCode::kCorrupt);
  EXPECT_NE(big.status.message().find("statement at byte 0 is longer than 2000 bytes"),
            std::string::npos)
      << big.status.message();
}

TEST(ScriptDatabases, FindsCreateUseAndDropLinesInAnySplit) {
  const std::string text =
      "-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\n"
      "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n"
      "USE `shop`;\nINSERT INTO `t` VALUES ('USE `nope`;');\n"
      "DROP DATABASE IF EXISTS `we``ird`;\nCREATE DATABASE `we``ird`;\nUSE `we``ird`;\n"
      "USE `shop`;\nCREATE DATABASE IF NOT EXISTS plain_1;\nuse plain_1;\n";
  for (size_t piece : {size_t{1}, size_t{3}, size_t{1000}}) {
    restore::ScriptDatabases scan;
    for (size_t i = 0; i < text.size(); i += piece)
      scan.Feed(std::string_view(text).substr(i, piece));
    EXPECT_EQ(scan.names(), (std::vector<std::string>{"shop", "we`ird", "plain_1"})) << piece;
    EXPECT_EQ(scan.dropped(), (std::set<std::string>{"we`ird"}));
  }
}

}  // namespace
}  // namespace myvault::sql
