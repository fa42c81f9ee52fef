#include "restore/chunk_sql.h"

#include <errmsg.h>

#include <algorithm>

namespace myvault::restore {
namespace {

// Protocol bytes of one bound value beyond its own: a NULL/value indicator and the length.
constexpr uint64_t kValueOverhead = 10;
// Room for the packet header and the parameter types.
constexpr uint64_t kPacketOverhead = 64 << 10;
constexpr uint64_t kDefaultMaxPacket = 16 << 20;

// Column by column, the values of rows [first, last) of `rows`.
void FillColumns(const sql::RowBatch& rows, size_t first, size_t last, mysql::BulkValues* out) {
  const size_t columns = rows.columns.size();
  out->columns = columns;
  out->rows = last - first;
  const size_t n = columns * out->rows;
  out->values.resize(n);
  out->lengths.resize(n);
  out->nulls.resize(n);
  for (size_t r = first; r < last; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      const size_t k = r * columns + c;
      const size_t begin = k == 0 ? 0 : rows.ends[k - 1];
      const size_t at = c * out->rows + (r - first);
      out->values[at] = rows.data.data() + begin;
      out->lengths[at] = static_cast<unsigned long>(rows.ends[k] - begin);
      out->nulls[at] = rows.nulls[k];
    }
  }
}

}  // namespace

LoadMethod ChooseLoadMethod(LoadMethodChoice choice, const mysql::ServerInfo& server) {
  switch (choice) {
    case LoadMethodChoice::kBulk: return LoadMethod::kBulk;
    case LoadMethodChoice::kLoadData: return LoadMethod::kLoadData;
    case LoadMethodChoice::kInsert: return LoadMethod::kInsert;
    case LoadMethodChoice::kAuto: break;
  }
  return server.HasArrayBinding() ? LoadMethod::kBulk : LoadMethod::kLoadData;
}

bool RefusesLoadDataLocal(const Status& st) {
  switch (st.server_errno()) {
    case 1148:  // ER_NOT_ALLOWED_COMMAND
    case 2068:  // CR_LOAD_DATA_LOCAL_INFILE_REJECTED (MySQL client)
    case 3948:  // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
    case 4166:  // ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB)
      return true;
    default: return false;
  }
}

bool RefusesArrayBinding(const Status& st) {
  return st.server_errno() == CR_FUNCTION_NOT_SUPPORTED;
}

Status SendBulk(mysql::Session& s, const std::string& qualified_table, const sql::RowBatch& rows,
                uint64_t max_packet, uint64_t* inserted) {
  std::string statement = "INSERT INTO " + qualified_table + " (";
  for (size_t i = 0; i < rows.columns.size(); ++i) {
    statement += i > 0 ? "," : "";
    statement += rows.columns[i];
  }
  statement += ") VALUES (";
  for (size_t i = 0; i < rows.columns.size(); ++i) statement += i > 0 ? ",?" : "?";
  statement += ")";
  const uint64_t limit =
      std::max<uint64_t>(max_packet == 0 ? kDefaultMaxPacket : max_packet, 2 * kPacketOverhead) -
      kPacketOverhead;
  const size_t columns = rows.columns.size();
  mysql::BulkValues values;
  size_t first = 0;
  while (first < rows.rows) {
    // As many rows as fit in one packet, and at least one (a row larger than the server's
    // max_allowed_packet fails there, naming the limit).
    size_t last = first;
    uint64_t bytes = 0;
    while (last < rows.rows) {
      const size_t k = (last + 1) * columns - 1;
      const size_t row_begin = last * columns == 0 ? 0 : rows.ends[last * columns - 1];
      const uint64_t row = rows.ends[k] - row_begin + kValueOverhead * columns;
      if (last > first && bytes + row > limit) break;
      bytes += row;
      ++last;
    }
    FillColumns(rows, first, last, &values);
    uint64_t n = 0;
    RETURN_IF_ERROR(s.ExecuteBulk(statement, values, &n));
    *inserted += n;
    first = last;
  }
  return Status::Ok();
}

Status SendLoadData(mysql::Session& s, const std::string& qualified_table, const sql::TsvBatch& tsv,
                    uint64_t* inserted) {
  std::string statement = "LOAD DATA LOCAL INFILE 'myvault-chunk' INTO TABLE " + qualified_table +
                          " CHARACTER SET binary (";
  for (size_t i = 0; i < tsv.columns.size(); ++i) {
    if (i > 0) statement += ",";
    statement += tsv.columns[i];
  }
  statement += ")";
  return s.LoadDataLocal(statement, tsv.data, inserted);
}

Status SendInserts(mysql::Session& s, const std::vector<std::string_view>& statements,
                   const ErrorCollector* cancel, uint64_t* inserted) {
  for (std::string_view statement : statements) {
    if (cancel->cancelled()) return cancel->first();
    uint64_t n = 0;
    RETURN_IF_ERROR(s.Execute(statement, &n));
    *inserted += n;
  }
  return Status::Ok();
}

}  // namespace myvault::restore
