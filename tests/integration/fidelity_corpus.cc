// The fidelity corpus (see fidelity_corpus.h): one load script per database.
#include "fidelity_corpus.h"

#include <map>

namespace myvault::it {
namespace {

// Views sort before the functions they call, and a view calls a function of a database dumped
// after this one: an order by kind or by name alone would not load.
const char kOrder[] = R"sql(
CREATE DATABASE mv_fid_zlib;
CREATE FUNCTION mv_fid_zlib.f_ext(x INT) RETURNS INT DETERMINISTIC RETURN x + 1000;
CREATE DATABASE mv_fid_order;
USE mv_fid_order;
CREATE TABLE t (id INT PRIMARY KEY, v INT);
CREATE TABLE calls (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20));
INSERT INTO t SELECT seq, seq * 10 FROM seq_1_to_20;
CREATE VIEW z_base AS SELECT id, v FROM t;
CREATE FUNCTION f_total() RETURNS INT READS SQL DATA RETURN (SELECT SUM(v) FROM z_base);
CREATE VIEW a_calls_f AS SELECT f_total() AS total;
CREATE FUNCTION f_twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE VIEW b_twice AS SELECT id, f_twice(v) AS w FROM z_base;
CREATE FUNCTION g_max() RETURNS INT READS SQL DATA RETURN (SELECT MAX(w) FROM b_twice);
CREATE VIEW a_top AS
  SELECT g_max() AS m, (SELECT total FROM a_calls_f) AS total, mv_fid_zlib.f_ext(1) AS ext;
CREATE PROCEDURE p_note() MODIFIES SQL DATA
  INSERT INTO calls (what) VALUES (CONCAT('p', f_twice(1)));
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.v = f_twice(NEW.v);
)sql";

const char kMerge[] = R"sql(
CREATE DATABASE mv_fid_merge;
USE mv_fid_merge;
CREATE TABLE m1 (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE = MyISAM;
CREATE TABLE m2 (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE = MyISAM;
INSERT INTO m1 SELECT seq, CONCAT('a', seq) FROM seq_1_to_30;
INSERT INTO m2 SELECT seq, CONCAT('b', seq) FROM seq_31_to_50;
CREATE TABLE m_all (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE = MERGE
  UNION = (m1, m2) INSERT_METHOD = LAST;
)sql";

// "Привет" in koi8r.
const char kKoi8r[] = "\xF0\xD2\xC9\xD7\xC5\xD4";

std::string Context() {
  const std::string koi8r = kKoi8r;
  return R"sql(
CREATE DATABASE mv_fid_context CHARACTER SET latin1 COLLATE latin1_swedish_ci;
USE mv_fid_context;
CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET utf8mb4);
CREATE FUNCTION f_latin(s VARCHAR(10)) RETURNS VARCHAR(20) DETERMINISTIC RETURN CONCAT(s, '!');
CREATE TRIGGER t_bi_latin BEFORE INSERT ON t FOR EACH ROW SET NEW.s = CONCAT(NEW.s, '');
CREATE EVENT e_latin ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE
  DO SET @e_latin = 1;
SET NAMES koi8r;
CREATE PROCEDURE p_koi8r() SELECT ')sql" +
         koi8r + R"sql(' AS greeting;
CREATE PROCEDURE p_koi8r_ascii() SELECT 'ascii' AS greeting;
CREATE VIEW v_koi8r AS SELECT ')sql" +
         koi8r + R"sql(' AS greeting;
CREATE TRIGGER t_bu_koi8r BEFORE UPDATE ON t FOR EACH ROW SET @koi8r = ')sql" +
         koi8r + R"sql(';
SET NAMES utf8mb4;
ALTER DATABASE mv_fid_context CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SET collation_connection = utf8mb4_bin;
CREATE PROCEDURE p_bin() SELECT 'a' = 'A' AS same;
SET NAMES utf8mb4;
)sql";
}

// Every change happens at a fixed time, so a restored copy can match the history exactly.
const char kHistory[] = R"sql(
CREATE DATABASE mv_fid_history;
USE mv_fid_history;
SET time_zone = '+00:00', timestamp = UNIX_TIMESTAMP('2020-01-01 00:00:00');
CREATE TABLE implicit_v (id INT PRIMARY KEY, v VARCHAR(20)) WITH SYSTEM VERSIONING;
CREATE TABLE explicit_v (id INT NOT NULL, k VARCHAR(10) NOT NULL, n INT,
  s TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE,
  e TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
  PERIOD FOR SYSTEM_TIME (s, e), PRIMARY KEY (id, k)) WITH SYSTEM VERSIONING;
CREATE TABLE strkey_v (k VARCHAR(20) NOT NULL PRIMARY KEY, n INT) WITH SYSTEM VERSIONING;
CREATE TABLE nokey_v (x INT) WITH SYSTEM VERSIONING;
CREATE TABLE part_v (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING
  PARTITION BY SYSTEM_TIME (PARTITION p_hist HISTORY, PARTITION p_cur CURRENT);
INSERT INTO implicit_v SELECT seq, CONCAT('v', seq) FROM seq_1_to_300;
INSERT INTO explicit_v (id, k, n) SELECT seq DIV 3, CONCAT('k', seq % 3), seq FROM seq_1_to_200;
INSERT INTO strkey_v SELECT CONCAT('key''\\', LPAD(seq, 4, '0')), seq FROM seq_1_to_100;
INSERT INTO nokey_v SELECT seq % 10 FROM seq_1_to_50;
INSERT INTO part_v SELECT seq, seq FROM seq_1_to_100;
SET timestamp = UNIX_TIMESTAMP('2021-06-01 12:00:00.250000');
UPDATE implicit_v SET v = CONCAT(v, '+') WHERE id % 3 = 0;
UPDATE explicit_v SET n = n + 1000 WHERE n % 2 = 0;
UPDATE strkey_v SET n = -n WHERE n % 5 = 0;
UPDATE nokey_v SET x = x + 100 WHERE x < 3;
UPDATE part_v SET v = v * 2 WHERE id <= 40;
SET timestamp = UNIX_TIMESTAMP('2022-03-15 08:30:00');
DELETE FROM implicit_v WHERE id % 7 = 0;
UPDATE implicit_v SET v = CONCAT(v, '#') WHERE id % 10 = 1;
DELETE FROM explicit_v WHERE n % 11 = 0;
DELETE FROM strkey_v WHERE n % 13 = 0;
DELETE FROM part_v WHERE id % 9 = 0;
SET timestamp = DEFAULT, time_zone = DEFAULT;
)sql";

const char kTrxHistory[] = R"sql(
CREATE DATABASE mv_fid_trx;
USE mv_fid_trx;
CREATE TABLE trx_v (id INT PRIMARY KEY, v INT,
  s BIGINT UNSIGNED GENERATED ALWAYS AS ROW START INVISIBLE,
  e BIGINT UNSIGNED GENERATED ALWAYS AS ROW END INVISIBLE,
  PERIOD FOR SYSTEM_TIME (s, e)) ENGINE = InnoDB WITH SYSTEM VERSIONING;
INSERT INTO trx_v (id, v) SELECT seq, seq FROM seq_1_to_10;
UPDATE trx_v SET v = v + 1 WHERE id < 4;
)sql";

const char kPackage[] = R"sql(
CREATE DATABASE mv_fid_package;
USE mv_fid_package;
SET sql_mode = 'ORACLE';
CREATE PACKAGE "pkg" AS
  FUNCTION f_answer RETURN INT;
  PROCEDURE p_hello;
END;
CREATE PACKAGE BODY "pkg" AS
  FUNCTION f_answer RETURN INT AS BEGIN RETURN 42; END;
  PROCEDURE p_hello AS BEGIN SELECT 'hello; world' AS greeting FROM DUAL; END;
END;
CREATE PACKAGE spec_only AS
  FUNCTION f RETURN INT;
END;
SET sql_mode = DEFAULT;
)sql";

const char kBroken[] = R"sql(
CREATE DATABASE mv_fid_broken;
USE mv_fid_broken;
CREATE TABLE kept (id INT PRIMARY KEY);
INSERT INTO kept SELECT seq FROM seq_1_to_5;
CREATE TABLE gone (id INT PRIMARY KEY);
CREATE VIEW v_kept AS SELECT id FROM kept;
CREATE VIEW v_gone AS SELECT id FROM gone;
CREATE VIEW v_over_gone AS SELECT id FROM v_gone;
DROP TABLE gone;
)sql";

std::string Script(const std::string& db) {
  static const std::map<std::string, std::string> kScripts = {
      {kOrderDb, kOrder},      {kOrderLibDb, kOrder},  {kMergeDb, kMerge},
      {kContextDb, Context()}, {kHistoryDb, kHistory}, {kTrxHistoryDb, kTrxHistory},
      {kPackageDb, kPackage},  {kBrokenDb, kBroken}};
  auto it = kScripts.find(db);
  return it == kScripts.end() ? "" : it->second;
}

}  // namespace

const std::vector<std::string>& FidelityDatabases() {
  static const std::vector<std::string> kDatabases = {kOrderDb,   kOrderLibDb, kMergeDb,
                                                      kContextDb, kHistoryDb,  kTrxHistoryDb,
                                                      kPackageDb, kBrokenDb};
  return kDatabases;
}

Status LoadFidelityDatabase(TestServer& server, const std::string& db) {
  const std::string script = Script(db);
  if (script.empty()) return InvalidArgument("no fidelity database " + db);
  std::string drop = "DROP DATABASE IF EXISTS " + QuoteIdent(db);
  if (db == kOrderDb || db == kOrderLibDb) {
    drop = "DROP DATABASE IF EXISTS " + QuoteIdent(kOrderDb) + "; DROP DATABASE IF EXISTS " +
           QuoteIdent(kOrderLibDb);
  }
  RETURN_IF_ERROR(server.Exec(drop));
  Status st = server.Exec(script);
  // The loader's session must look like any other afterwards.
  RETURN_IF_ERROR(server.Exec(
      "SET NAMES utf8mb4; SET SESSION sql_mode = DEFAULT, time_zone = DEFAULT; USE mysql"));
  return st.ok() ? st : st.WithContext("load " + db);
}

Status DropFidelityDatabases(TestServer& server) {
  std::string drop = "DROP DATABASE IF EXISTS " + QuoteIdent(kBlobDb);
  for (const std::string& db : FidelityDatabases()) {
    drop += "; DROP DATABASE IF EXISTS " + QuoteIdent(db);
  }
  return server.Exec(drop);
}

Status LoadLargeValues(TestServer& server) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const long long repeats = kLargeBlobBytes / 256;
  // é ' \ x in latin1: 4 bytes, three of them written escaped or as a non-ASCII byte.
  const std::string text_unit = "\xE9'\\x";
  return server.Exec(
      "DROP DATABASE IF EXISTS mv_fid_blob; CREATE DATABASE mv_fid_blob; USE mv_fid_blob; "
      "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT CHARACTER SET latin1); "
      "INSERT INTO big VALUES (1, REPEAT(" +
      HexLiteral(every_byte) + ", " + std::to_string(repeats) +
      "), NULL); INSERT INTO big VALUES (2, NULL, REPEAT(CONVERT(" + HexLiteral(text_unit) +
      " USING latin1), " + std::to_string(kLargeTextBytes / 4) + ")); USE mysql");
}

}  // namespace myvault::it
