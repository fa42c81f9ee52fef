// Test helper shared by the row-formatting tests: rows as optional strings (nullopt is NULL),
// fed to an InsertFormatter the way libmysqlclient hands them over.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "myvault/sql/row_format.h"

namespace myvault::sql::testing {

using Row = std::vector<std::optional<std::string>>;

// Feeds `row` to the formatter as libmysqlclient would: MYSQL_ROW plus lengths.
inline void Append(InsertFormatter* f, std::string* out, const Row& row) {
  std::vector<const char*> values;
  std::vector<unsigned long> lengths;
  for (const auto& v : row) {
    values.push_back(v ? v->data() : nullptr);
    lengths.push_back(v ? v->size() : 0);
  }
  f->AppendRow(out, values.data(), lengths.data());
}

}  // namespace myvault::sql::testing
