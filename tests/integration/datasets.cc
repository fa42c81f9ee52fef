// Loading bulky random tables.
#include "datasets.h"

#include <random>

namespace myvault::it {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace

Status EnsureRandomTable(TestServer& server, const RandomTableSpec& spec) {
  const std::string t = QualifiedName(spec.db, spec.table);
  const std::string expected = std::to_string(spec.rows()) + "/" + std::to_string(spec.bytes());
  RETURN_IF_ERROR(server.Exec("CREATE DATABASE IF NOT EXISTS " + QuoteIdent(spec.db)));
  Result<std::string> have =
      server.QueryValue("SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(LENGTH(p)), 0)) FROM " + t);
  if (have.ok() && *have == expected) return Status::Ok();

  RETURN_IF_ERROR(server.Exec("SET SESSION sql_log_bin = 0; DROP TABLE IF EXISTS " + t +
                              "; CREATE TABLE " + t +
                              " (id INT AUTO_INCREMENT PRIMARY KEY, p LONGBLOB) ENGINE = InnoDB"));
  std::mt19937_64 rng(0x5eed);
  std::string batch;
  for (int i = 0; i < spec.seed_rows; ++i) {
    batch += (batch.empty() ? "INSERT INTO " + t + " (p) VALUES (" : ", (") +
             HexLiteral(RandomBytes(rng, spec.row_bytes)) + ")";
    if (batch.size() > (8 << 20) || i + 1 == spec.seed_rows) {
      RETURN_IF_ERROR(server.Exec(batch));
      batch.clear();
    }
  }
  for (int i = 0; i < spec.doublings; ++i) {
    RETURN_IF_ERROR(server.Exec("INSERT INTO " + t + " (p) SELECT p FROM " + t + " ORDER BY id"));
  }
  return server.Exec("SET SESSION sql_log_bin = 1");
}

}  // namespace myvault::it
