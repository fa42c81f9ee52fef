// Corpus part 3: triggers, views, routines, events and sequences in mv_corpus, and the two other
// databases (`mv corpus2`, `mv_ünï`).
#include <string>
#include <string_view>
#include <vector>

#include "corpus.h"

namespace myvault::it {

std::string TriggerAi2Statement(std::string_view note) {
  return "CREATE TRIGGER trg_src_ai2 AFTER INSERT ON trg_src FOR EACH ROW FOLLOWS trg_src_ai "
         "INSERT INTO trg_log (src_id, note) VALUES (NEW.id, '" +
         std::string(note) + "')";
}

namespace corpus_internal {
namespace {

// If a restore fired these triggers while loading rows, trg_src.v would gain a second '+bi' and
// trg_log would gain rows: both show up in the fingerprint.
const char kTriggersHead[] = R"sql(
USE `mv_corpus`;
CREATE TABLE trg_src (id INT PRIMARY KEY, v VARCHAR(40));
CREATE TABLE trg_log (id INT AUTO_INCREMENT PRIMARY KEY, src_id INT, note VARCHAR(40));
CREATE TRIGGER trg_src_bi BEFORE INSERT ON trg_src FOR EACH ROW SET NEW.v = CONCAT(NEW.v, '+bi');
CREATE TRIGGER trg_src_ai AFTER INSERT ON trg_src FOR EACH ROW
  INSERT INTO trg_log (src_id, note) VALUES (NEW.id, 'ai; fired');
)sql";

// Loaded after TriggerAi2Statement("ai2").
const char kTriggersTail[] = R"sql(
USE `mv_corpus`;
INSERT INTO trg_src SELECT seq, CONCAT('row', seq) FROM seq_1_to_10;
DELETE FROM trg_log WHERE src_id > 2;
CREATE VIEW z_base_view AS SELECT id, v FROM trg_src WHERE id < 5;
CREATE VIEW a_top_view AS SELECT id, CONCAT(v, '!') AS `v bang` FROM z_base_view;
CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW m_join_view AS
  SELECT i.id, i.bi, f.d FROM ints i JOIN floats f USING (id);
CREATE EVENT ev_daily ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'
  ON COMPLETION PRESERVE DISABLE COMMENT 'never runs; ok'
  DO INSERT INTO trg_log (src_id, note) VALUES (0, 'event;');
CREATE SEQUENCE seq_nocache START WITH 100 INCREMENT BY 5 NOCACHE;
DO NEXT VALUE FOR seq_nocache; DO NEXT VALUE FOR seq_nocache; DO NEXT VALUE FOR seq_nocache;
CREATE SEQUENCE seq_cached START WITH 7 INCREMENT BY 3 MINVALUE 1 MAXVALUE 100000 CACHE 50 CYCLE;
DO NEXT VALUE FOR seq_cached; DO NEXT VALUE FOR seq_cached;
)sql";

// Routines created under ANSI_QUOTES: "x" is an identifier, so restoring them under another
// sql_mode changes what f_ansi returns. Bodies hold ';', ';;', '$$', '//' and a line starting
// with DELIMITER inside string literals.
const char kRoutines[] = R"sql(
USE `mv_corpus`;
SET SESSION sql_mode = 'ANSI_QUOTES';
CREATE PROCEDURE "p_ansi"(IN n INT, OUT total BIGINT)
  COMMENT 'has ; and DELIMITER // inside'
BEGIN
  DECLARE s VARCHAR(200) DEFAULT 'a;b;;c $$ // \\ end';
  SELECT COUNT(*) INTO total FROM "trg_src" WHERE "id" <= n;
  SET @p_ansi_last = CONCAT(s, '
DELIMITER ;
;;');
END;
CREATE FUNCTION "f_ansi"(x INT) RETURNS VARCHAR(64) DETERMINISTIC
BEGIN
  DECLARE r VARCHAR(64);
  SET r = CONCAT('f;', "x", ';;');
  RETURN r;
END;
SET SESSION sql_mode = DEFAULT;
)sql";

// Objects owned by another account: a dump that drops DEFINER= restores them owned by whoever
// replays it, which the fingerprint notices.
const char kDefiners[] = R"sql(
USE `mv_corpus`;
CREATE USER IF NOT EXISTS 'mv_definer'@'localhost';
GRANT SELECT, EXECUTE ON `mv_corpus`.* TO 'mv_definer'@'localhost';
CREATE DEFINER = 'mv_definer'@'localhost' SQL SECURITY DEFINER VIEW definer_view AS
  SELECT id, bi FROM ints;
CREATE DEFINER = 'mv_definer'@'localhost' PROCEDURE definer_proc() SQL SECURITY DEFINER
  SELECT COUNT(*) FROM ints;
)sql";

const char kSecondDb[] = R"sql(
CREATE DATABASE `mv corpus2` CHARACTER SET latin1 COLLATE latin1_swedish_ci;
USE `mv corpus2`;
CREATE TABLE myisam_t (id INT PRIMARY KEY, v VARCHAR(50), b BLOB) ENGINE = MyISAM;
INSERT INTO myisam_t SELECT seq, CONCAT('m', seq), UNHEX(MD5(seq)) FROM seq_1_to_2000;
CREATE TABLE aria_t (id INT PRIMARY KEY, v VARCHAR(50)) ENGINE = Aria;
INSERT INTO aria_t SELECT seq, REPEAT('a', seq % 40) FROM seq_1_to_2000;
CREATE TABLE parts (id INT NOT NULL PRIMARY KEY, v VARCHAR(20)) ENGINE = InnoDB
  PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (1000),
    PARTITION p1 VALUES LESS THAN (2000), PARTITION pmax VALUES LESS THAN MAXVALUE);
INSERT INTO parts SELECT seq * 7, CONCAT('p', seq) FROM seq_0_to_999;
SET SESSION foreign_key_checks = 0;
CREATE TABLE fk_a (id INT PRIMARY KEY, b_id INT, KEY (b_id),
  CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES fk_b (id)) ENGINE = InnoDB;
CREATE TABLE fk_b (id INT PRIMARY KEY, a_id INT, KEY (a_id),
  CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES fk_a (id) ON DELETE CASCADE) ENGINE = InnoDB;
INSERT INTO fk_a VALUES (1, 1), (2, NULL), (3, 2);
INSERT INTO fk_b VALUES (1, 1), (2, 3);
SET SESSION foreign_key_checks = 1;
CREATE TABLE `we``ird` (`c``ol` INT PRIMARY KEY, `sp ace` VARCHAR(20), `"dq"` INT,
  `semi;colon` CHAR(3));
INSERT INTO `we``ird` VALUES (1, 'a b', 1, ';'), (2, NULL, NULL, NULL);
CREATE TABLE `has space` (`col umn` INT PRIMARY KEY, x VARCHAR(10));
INSERT INTO `has space` VALUES (1, 'x'), (2, 'y');
CREATE VIEW `view with space` AS SELECT `col umn` AS `c u` FROM `has space`;
)sql";

const char kUnicodeDb[] = R"sql(
CREATE DATABASE `mv_ünï` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE `mv_ünï`;
CREATE TABLE `tëst_ü` (`ñame` VARCHAR(50) NOT NULL PRIMARY KEY, `列` INT, `ĉ` VARCHAR(10));
INSERT INTO `tëst_ü` VALUES ('Zoë', 1, '✓'), ('Ñandú', 2, NULL), ('日本語', 3, '😀');
CREATE VIEW `vïew` AS SELECT `ñame` FROM `tëst_ü`;
CREATE PROCEDURE `prøc`() SELECT COUNT(*) FROM `tëst_ü`;
CREATE TRIGGER `trïg` BEFORE UPDATE ON `tëst_ü` FOR EACH ROW SET NEW.`列` = NEW.`列` + 1;
)sql";

}  // namespace

void AppendObjects(std::vector<std::string>* script) {
  script->push_back(kTriggersHead);
  script->push_back("USE `mv_corpus`; " + TriggerAi2Statement("ai2"));
  script->push_back(kTriggersTail);
  script->push_back(kRoutines);
  script->push_back(kDefiners);
}

void AppendOtherDatabases(std::vector<std::string>* script) {
  script->push_back(kSecondDb);
  script->push_back(kUnicodeDb);
}

}  // namespace corpus_internal
}  // namespace myvault::it
