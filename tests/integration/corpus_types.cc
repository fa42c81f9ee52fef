// Corpus part 1: mv_corpus tables that exercise value types (see corpus.h).
#include <optional>
#include <string>
#include <vector>

#include "corpus.h"

namespace myvault::it::corpus_internal {
namespace {

using Value = std::optional<std::string>;

std::string Text(const Value& v, const char* charset = "utf8mb4") {
  if (!v) return "NULL";
  return "CONVERT(" + HexLiteral(*v) + " USING " + charset + ")";
}

std::string Bytes(const Value& v) { return v ? HexLiteral(*v) : "NULL"; }

std::string AllBytes(bool descending) {
  std::string s(256, '\0');
  for (int i = 0; i < 256; ++i) s[i] = static_cast<char>(descending ? 255 - i : i);
  return s;
}

const char kNumbers[] = R"sql(
CREATE DATABASE `mv_corpus` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE `mv_corpus`;
CREATE TABLE ints (id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT,
  siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED);
INSERT INTO ints VALUES
  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0),
  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
   9223372036854775807, 18446744073709551615),
  (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1);
CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b7 BIT(7), b64 BIT(64));
INSERT INTO bits VALUES (1, b'0', b'0', 0), (2, b'1', b'1111111', 0xFFFFFFFFFFFFFFFF),
  (3, b'1', b'1010101', 0x8000000000000000), (4, NULL, NULL, NULL),
  (5, b'0', b'0000001', 0x00000000000000FF);
CREATE TABLE decimals (id INT PRIMARY KEY, d DECIMAL(65,30), d0 DECIMAL(65,0), s DECIMAL(5,2));
INSERT INTO decimals VALUES
  (1, 99999999999999999999999999999999999.999999999999999999999999999999,
   99999999999999999999999999999999999999999999999999999999999999999, 999.99),
  (2, -99999999999999999999999999999999999.999999999999999999999999999999,
   -99999999999999999999999999999999999999999999999999999999999999999, -999.99),
  (3, 0.000000000000000000000000000001, 0, 0.01),
  (4, -0.000000000000000000000000000001, 1, -0.01),
  (5, NULL, NULL, NULL),
  (6, 12345678901234567890.123456789012345678901234567890, -1, 0);
CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE);
INSERT INTO floats VALUES
  (1, 1.00000012, 1.0000000000000002), (2, 16777217, 9007199254740993),
  (3, 3.40282e38, 1.7976931348623157e308), (4, 1.17549e-38, 2.2250738585072014e-308),
  (5, 0.1, 0.1), (6, -3.40282e38, -1.7976931348623157e308), (7, 1.4e-45, 4.9e-324),
  (8, 123456.789, 1e0 / 3), (9, NULL, NULL), (10, 3.14159265, 2.718281828459045),
  (11, 0, 0), (12, 3.4028234663852886e38, 123456789012345680000),
  (13, 0.3, 0.30000000000000004), (14, -1.5e-10, -1.5e-300);
)sql";

const char kTemporal[] = R"sql(
USE `mv_corpus`;
SET SESSION time_zone = '+05:30';
CREATE TABLE temporal (id INT PRIMARY KEY, d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL,
  ts0 TIMESTAMP NULL DEFAULT NULL, y YEAR, t TIME(6));
INSERT INTO temporal VALUES
  (1, '1000-01-01', '1000-01-01 00:00:00.000000', '1970-01-01 05:30:01.000000',
   '2038-01-19 08:44:07', 1901, '-838:59:59.999999'),
  (2, '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 08:44:07.999999',
   '1970-01-01 05:30:01', 2155, '838:59:59.999999'),
  (3, '2024-02-29', '2024-02-29 12:34:56.123456', '2024-03-31 02:30:00.500000',
   '2024-10-27 01:30:00', 2000, '00:00:00.000001'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '1970-01-01', '1970-01-01 00:00:00', '2000-01-01 00:00:00', NULL, 1970, '-00:00:00.5');
SET SESSION time_zone = DEFAULT;
SET SESSION sql_mode = '';
CREATE TABLE zero_dates (id INT PRIMARY KEY, d DATE NOT NULL DEFAULT '0000-00-00',
  dt DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00',
  ts TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00', y YEAR, e ENUM('a', 'b'));
INSERT INTO zero_dates VALUES
  (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, 'not a member'),
  (2, '2024-02-00', '2024-00-00 10:00:00', '2024-01-01 00:00:00', 0, 'a'),
  (3, '2024-00-01', '0000-01-01 00:00:00', 0, 1999, 'b');
INSERT INTO zero_dates (id) VALUES (4);
SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
CREATE TABLE ai_zero (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));
INSERT INTO ai_zero VALUES (0, 'zero'), (1, 'one'), (2, 'two');
SET SESSION sql_mode = DEFAULT;
CREATE TABLE ai_gap (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO ai_gap (v) SELECT seq FROM seq_1_to_100;
DELETE FROM ai_gap WHERE id > 50;
CREATE TABLE ai_empty (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT = 1000;
CREATE TABLE `generated` (id INT PRIMARY KEY, a INT, b BIGINT AS (a * 2) VIRTUAL,
  s VARCHAR(20), st VARCHAR(60) AS (CONCAT(s, '!', a)) STORED, KEY (b));
INSERT INTO `generated` (id, a, s) VALUES (1, 1, 'x'), (2, NULL, 'y'), (3, -5, NULL),
  (4, 1073741823, 'big');
CREATE TABLE invisible_col (id INT PRIMARY KEY, v VARCHAR(20),
  secret VARCHAR(20) INVISIBLE DEFAULT 'dflt', hidden_n INT INVISIBLE);
INSERT INTO invisible_col (id, v, secret, hidden_n) VALUES
  (1, 'a', 's1', 10), (2, 'b', NULL, NULL), (3, 'c', 'dflt', 0);
CREATE TABLE geoms (id INT PRIMARY KEY, g GEOMETRY, p POINT, poly POLYGON);
INSERT INTO geoms VALUES
  (1, ST_GeomFromText('LINESTRING(0 0, 1 1, 2 1)'), ST_GeomFromText('POINT(1.5 -2.25)'),
   ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))')),
  (2, ST_GeomFromText('POINT(1e300 -1e-300)'), ST_GeomFromText('POINT(0 0)', 4326), NULL),
  (3, ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 0.1 0.2))'), NULL, NULL),
  (4, NULL, NULL, NULL);
CREATE TABLE enums_sets (id INT PRIMARY KEY, e ENUM('a', 'c d', 'é', 'NULL', ''),
  s SET('x', 'y', 'z', 'ü'));
INSERT INTO enums_sets VALUES (1, 'a', 'x,y'), (2, 'c d', ''), (3, 'é', 'x,y,z,ü'),
  (4, 'NULL', NULL), (5, '', 'ü'), (6, NULL, NULL);
)sql";

std::string StringsTable() {
  const std::vector<Value> values = {std::string("nul\0inside", 10),
                                     "back\\slash\\",
                                     "quote ' and \" and `",
                                     "ctrl-z \x1a end",
                                     "crlf\r\nline\rcr\nlf",
                                     "tab\there\t",
                                     "NULL",
                                     std::nullopt,
                                     "",
                                     "trailing spaces   ",
                                     "'); DROP TABLE strings; --",
                                     "/*!50000 comment */ -- x\n# y",
                                     "DELIMITER ;;\n;;",
                                     std::string("\0\x01\x02\x1f\x7f", 5),
                                     "ünïcödé 😀 中文 \xe2\x80\xa8"};
  std::string sql =
      "USE `mv_corpus`; CREATE TABLE strings (id INT PRIMARY KEY, s VARCHAR(200), t TEXT, "
      "c CHAR(10), vb VARBINARY(200)); INSERT INTO strings (id, s, t, vb) VALUES ";
  for (size_t i = 0; i < values.size(); ++i) {
    sql += (i ? ", (" : "(") + std::to_string(i + 1) + ", " + Text(values[i]) + ", " +
           Text(values[i]) + ", " + Bytes(values[i]) + ")";
  }
  return sql + "; UPDATE strings SET c = LEFT(s, 10)";
}

std::string BinariesTable() {
  const std::vector<Value> values = {
      AllBytes(false),          AllBytes(true), "", std::nullopt, std::string(1, '\0'),
      std::string("ab\0\0", 4), "\\'\"\x1a\r\n"};
  std::string sql =
      "USE `mv_corpus`; CREATE TABLE binaries (id INT PRIMARY KEY, vb VARBINARY(300), bl BLOB, "
      "tb TINYBLOB, bn BINARY(4)); INSERT INTO binaries VALUES ";
  // The first 255 bytes fit TINYBLOB, the first 4 BINARY(4) (which pads shorter values with NUL).
  auto prefix = [](const Value& v, size_t n) { return v ? Value(v->substr(0, n)) : v; };
  for (size_t i = 0; i < values.size(); ++i) {
    sql += (i ? ", (" : "(") + std::to_string(i + 1) + ", " + Bytes(values[i]) + ", " +
           Bytes(values[i]) + ", " + Bytes(prefix(values[i], 255)) + ", " +
           Bytes(prefix(values[i], 4)) + ")";
  }
  return sql;
}

std::string CharsetsTable() {
  std::string latin1_high;
  for (int c = 0x20; c <= 0xff; ++c) latin1_high += static_cast<char>(c);
  std::string sql =
      "USE `mv_corpus`; CREATE TABLE charsets (id INT PRIMARY KEY, "
      "l VARCHAR(250) CHARACTER SET latin1, u3 VARCHAR(100) CHARACTER SET utf8mb3, "
      "u4 VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, "
      "lb VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin); INSERT INTO charsets VALUES ";
  sql += "(1, " + Text("café ÿ ß") + ", " + Text("Ωμέγα 中文 €") + ", " +
         Text("😀🎉 𝄞 👨‍👩‍👧") + ", " + Text("Åß") + ")";
  sql += ", (2, " + Text(latin1_high, "latin1") + ", " + Text("ascii only") + ", " +
         Text("\xf0\x9f\x98\x80") + ", " + Text("\x80\x81\x8d\x9f\xff", "latin1") + ")";
  sql += ", (3, NULL, NULL, NULL, NULL), (4, '', '', '', '')";
  return sql;
}

std::string JsonTable() {
  const std::vector<Value> values = {
      R"({"a": [1, 2.5, "x"], "b": null, "c": {"d": "é😀"}})",
      "[]",
      R"("str with \"quote\" and \\ backslash")",
      "null",
      std::nullopt,
      R"({"big": 1e308, "neg": -0.0, "s": "tab\tnl\n\u0000", "k;": "';--"})"};
  std::string sql =
      "USE `mv_corpus`; CREATE TABLE jsons (id INT PRIMARY KEY, j JSON); "
      "INSERT INTO jsons VALUES ";
  for (size_t i = 0; i < values.size(); ++i) {
    sql += (i ? ", (" : "(") + std::to_string(i + 1) + ", " + Text(values[i]) + ")";
  }
  return sql;
}

}  // namespace

void AppendTypeTables(std::vector<std::string>* script) {
  script->push_back(kNumbers);
  script->push_back(kTemporal);
  script->push_back(StringsTable());
  script->push_back(BinariesTable());
  script->push_back(CharsetsTable());
  script->push_back(JsonTable());
}

}  // namespace myvault::it::corpus_internal
