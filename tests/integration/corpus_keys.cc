// Corpus part 2: mv_corpus tables with every key shape, many rows, and one 16 MiB row.
#include <random>
#include <string>
#include <vector>

#include "corpus.h"

namespace myvault::it::corpus_internal {
namespace {

const char kKeyTables[] = R"sql(
USE `mv_corpus`;
CREATE TABLE big_rows (id INT NOT NULL PRIMARY KEY, n BIGINT, f DOUBLE, s VARCHAR(255),
  b VARBINARY(64), KEY (n));
INSERT INTO big_rows
  SELECT seq, seq * 7919 % 1000003, seq / 7.0e0,
         CONCAT(REPEAT(CHAR(65 + seq % 26 USING utf8mb4), seq % 97), '\'', seq, '\\'),
         UNHEX(SHA2(seq, 256))
  FROM seq_1_to_40000;
CREATE TABLE pk_u64 (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(30));
INSERT INTO pk_u64 SELECT seq * 18446744073709551, seq FROM seq_0_to_1000;
INSERT INTO pk_u64 VALUES (18446744073709551615, 'max'), (18446744073709551614, 'max-1'),
  (9223372036854775807, '2^63-1'), (9223372036854775808, '2^63'), (1, 'one');
CREATE TABLE pk_composite (a INT NOT NULL, b VARCHAR(30) NOT NULL, v VARCHAR(60),
  PRIMARY KEY (a, b));
INSERT INTO pk_composite
  SELECT seq % 20, CONCAT('k', seq DIV 20, ELT(1 + seq % 3, 'é', ' x', '''q')),
         REPEAT('v', seq % 50)
  FROM seq_0_to_2999;
CREATE TABLE pk_varchar (k VARCHAR(64) NOT NULL PRIMARY KEY, v INT);
INSERT INTO pk_varchar
  SELECT CONCAT(ELT(1 + seq % 5, 'a', 'Ü', '😀', 'q''uote', 'back\\'), '-', seq), seq
  FROM seq_1_to_3000;
CREATE TABLE no_key (a INT, b VARCHAR(20), c DOUBLE);
INSERT INTO no_key VALUES (1, 'dup', 0.5), (1, 'dup', 0.5), (1, 'dup', 0.5), (2, NULL, NULL),
  (2, NULL, NULL), (NULL, NULL, NULL), (NULL, NULL, NULL);
INSERT INTO no_key SELECT seq % 50, CONCAT('r', seq % 50), (seq % 50) / 3e0 FROM seq_1_to_5000;
CREATE TABLE unique_nn (u INT NOT NULL, v VARCHAR(20), w INT, UNIQUE KEY uk (u));
INSERT INTO unique_nn SELECT seq * 3, CONCAT('u', seq), NULL FROM seq_1_to_3000;
)sql";

// One LONGBLOB row of 16 MiB of random (incompressible) bytes, fixed seed; plus '' and NULL.
std::string BigBlobTable() {
  std::mt19937_64 rng(20240601);
  std::string blob(16 << 20, '\0');
  for (size_t i = 0; i < blob.size(); i += 8) {
    const uint64_t r = rng();
    for (size_t j = 0; j < 8; ++j) blob[i + j] = static_cast<char>(r >> (8 * j));
  }
  return "USE `mv_corpus`; CREATE TABLE big_blob (id INT PRIMARY KEY, b LONGBLOB, "
         "note VARCHAR(20)); INSERT INTO big_blob VALUES (1, " +
         HexLiteral(blob) + ", 'random'), (2, '', 'empty'), (3, NULL, 'null')";
}

}  // namespace

void AppendKeyTables(std::vector<std::string>* script) {
  script->push_back(kKeyTables);
  script->push_back(BigBlobTable());
}

}  // namespace myvault::it::corpus_internal
