// Bulky, incompressible test tables for the error tests (disk full, Ctrl-C, server killed):
// `db`.`table` (id INT AUTO_INCREMENT PRIMARY KEY, p LONGBLOB) holding seed_rows rows of
// row_bytes random bytes (fixed seed), then copied onto itself `doublings` times. Copies sit
// seed_rows rows apart, beyond deflate's 32 KiB window, so the dump stays incompressible.
//
// Thread safety: uses the given connection; one caller at a time.
#pragma once

#include <string>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

struct RandomTableSpec {
  std::string db;
  std::string table;
  int seed_rows = 64;
  int row_bytes = 16 << 10;
  int doublings = 0;

  long rows() const { return static_cast<long>(seed_rows) << doublings; }
  long long bytes() const { return static_cast<long long>(rows()) * row_bytes; }
};

// Creates the table unless it already exists with rows() rows of row_bytes each. Binary logging
// is off for the load (it would only double the disk work).
Status EnsureRandomTable(TestServer& server, const RandomTableSpec& spec);

}  // namespace myvault::it
