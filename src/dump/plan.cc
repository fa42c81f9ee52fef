#include "myvault/dump/plan.h"

#include <algorithm>
#include <set>

#include "myvault/dump/ddl.h"
#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

// Character sets whose values reach us unchanged through a utf8mb4 connection. Not ascii: the
// server keeps bytes 0x80-0xFF in ascii columns, and the conversion turns them into '?'.
bool IsUtf8Family(const std::string& charset) {
  return charset == "utf8mb4" || charset == "utf8mb3" || charset == "utf8";
}

// The select expression and encoding that make a column's value round-trip byte for byte.
sql::ColumnFormat FormatFor(const Column& c, std::string* expr) {
  static const std::set<std::string> kNumeric = {"tinyint", "smallint", "mediumint", "int",
                                                 "integer", "bigint",   "decimal",   "numeric",
                                                 "double",  "real",     "year"};
  std::string name = sql::QuoteIdentifier(c.name);
  sql::ColumnFormat f{c.name, sql::ValueEncoding::kString, ""};
  *expr = name;
  if (c.data_type == "float") {
    // The text protocol prints FLOAT with 6 digits; as DOUBLE it prints the shortest text that
    // reads back to the same double, which is exactly the float's value.
    *expr = name + "+0e0";
    f.encoding = sql::ValueEncoding::kRaw;
  } else if (c.data_type == "bit") {
    *expr = name + "+0";
    f.encoding = sql::ValueEncoding::kRaw;
  } else if (kNumeric.count(c.data_type) != 0) {
    f.encoding = sql::ValueEncoding::kRaw;
  } else if (HoldsBytes(c)) {
    f.encoding = sql::ValueEncoding::kHex;
    f.quote_large = true;
  } else if (!c.charset.empty() && !IsUtf8Family(c.charset)) {
    // Raw bytes in the column's own charset, written as _charset 0x...: no conversion at all.
    *expr = "CAST(" + name + " AS BINARY)";
    f.encoding = sql::ValueEncoding::kHexWithCharset;
    f.charset = c.charset;
    f.quote_large = CharsetKeepsAscii(c.charset);
  }
  return f;
}

}  // namespace

std::string SelectFor(const Table& table) {
  return table.transactional ? "SELECT " : "SELECT HIGH_PRIORITY ";
}

TableQuery BuildTableQuery(const Table& t) {
  TableQuery q;
  q.verb = SelectFor(t);
  q.select = q.verb;
  bool first = true;
  std::vector<size_t> select_index(t.columns.size(), SIZE_MAX);
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    if (c.generated) continue;
    std::string expr;
    q.formats.push_back(FormatFor(c, &expr));
    select_index[i] = q.formats.size() - 1;
    if (!first) q.select += ',';
    q.select += expr;
    first = false;
  }
  size_t extra_columns = 0;  // selected after the table's columns, for the key only
  for (size_t k : t.key) {
    const Column& c = t.columns[k];
    std::string expr;
    sql::ColumnFormat format = FormatFor(c, &expr);
    if (c.data_type == "enum" || c.data_type == "set") {
      // ORDER BY sorts ENUM/SET by their numeric value, while comparing with a label compares
      // text: page on the number, selected as an extra column the INSERTs never see.
      expr = sql::QuoteIdentifier(c.name) + "+0";
      format = sql::ColumnFormat{c.name, sql::ValueEncoding::kRaw, ""};
      q.select += "," + expr;
      q.key_positions.push_back(q.formats.size() + extra_columns++);
    } else {
      q.key_positions.push_back(select_index[k]);
    }
    q.key_exprs.push_back(sql::QuoteIdentifier(c.name));
    q.key_formats.push_back(format);
    q.key_select += (q.key_select.empty() ? "" : ",") + expr;
  }
  q.select += " FROM " + TableSource(t);
  return q;
}

std::vector<__int128> SplitIntegerRange(__int128 min, __int128 max, uint64_t rows_estimate,
                                        uint64_t data_length, uint64_t unit_bytes,
                                        size_t max_units) {
  std::vector<__int128> bounds;
  if (max <= min || unit_bytes == 0) return bounds;
  __int128 span = max - min + 1;
  __int128 units = static_cast<__int128>((data_length + unit_bytes - 1) / unit_bytes);
  units = std::min<__int128>(units, static_cast<__int128>(std::max<size_t>(max_units, 1)));
  units = std::min<__int128>(units, static_cast<__int128>(std::max<uint64_t>(rows_estimate, 1)));
  units = std::min(units, span);
  if (units <= 1) return bounds;
  __int128 step = span / units;
  for (__int128 i = 1; i < units; ++i) bounds.push_back(min + step * i);
  return bounds;
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

std::optional<__int128> ParseInt128(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = s.front() == '-';
  if (neg || s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 30) return std::nullopt;
  __int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

std::string KeyCompare(const std::vector<std::string>& key_exprs,
                       const std::vector<std::string>& values, std::string_view op) {
  const size_t m = std::min(values.size(), key_exprs.size());
  if (m == 1) return key_exprs[0] + " " + std::string(op) + " " + values[0];
  const std::string strict(op.substr(0, 1));
  auto equal_prefix = [&](size_t n) {
    std::string t;
    for (size_t j = 0; j < n; ++j) t += key_exprs[j] + " = " + values[j] + " AND ";
    return t;
  };
  std::string out;
  for (size_t i = 0; i < m; ++i) {
    out += (i == 0 ? "(" : " OR (") + equal_prefix(i) + key_exprs[i] + " " + strict + " " +
           values[i] + ")";
  }
  if (op.size() == 2) {  // >=: the tuple itself is in the range
    std::string eq = equal_prefix(m);
    out += " OR (" + eq.substr(0, eq.size() - 5) + ")";
  }
  return "(" + out + ")";
}

std::string NextBoundarySql(const TableQuery& q, const std::string& table_name,
                            const std::vector<std::string>& lower, uint64_t step) {
  std::string sql = q.verb + q.key_select + " FROM " + table_name;
  if (!lower.empty()) sql += " WHERE " + KeyCompare(q.key_exprs, lower, ">=");
  sql += " ORDER BY ";
  for (size_t i = 0; i < q.key_exprs.size(); ++i) sql += (i ? "," : "") + q.key_exprs[i];
  return sql + " LIMIT 1 OFFSET " + std::to_string(step);
}

std::string UnitWhere(const TableQuery& q, const WorkUnit& u,
                      const std::vector<std::string>& last_key) {
  std::vector<std::string> parts;
  if (!q.filter.empty()) parts.push_back("(" + q.filter + ")");
  if (!q.key_exprs.empty()) {
    if (!u.lower.empty()) parts.push_back(KeyCompare(q.key_exprs, u.lower, ">="));
    if (!u.upper.empty()) parts.push_back(KeyCompare(q.key_exprs, u.upper, "<"));
  }
  if (u.paginate && !last_key.empty()) parts.push_back(KeyCompare(q.key_exprs, last_key, ">"));
  std::string where;
  for (const auto& p : parts) where += (where.empty() ? " WHERE " : " AND ") + p;
  return where;
}

std::string UnitSql(const TableQuery& q, const WorkUnit& u,
                    const std::vector<std::string>& last_key) {
  std::string sql = q.select + UnitWhere(q, u, last_key);
  if (u.paginate) {
    sql += " ORDER BY ";
    for (size_t i = 0; i < q.key_exprs.size(); ++i) sql += (i ? "," : "") + q.key_exprs[i];
    sql += " LIMIT " + std::to_string(u.page_rows);
  }
  return sql;
}

std::string ValueLiteral(const sql::ColumnFormat& f, const char* data, unsigned long length) {
  std::string out;
  std::string_view v(data, length);
  switch (f.encoding) {
    case sql::ValueEncoding::kRaw: out.assign(v); break;
    case sql::ValueEncoding::kString: sql::AppendStringLiteral(&out, v); break;
    case sql::ValueEncoding::kHex: sql::AppendHexLiteral(&out, v); break;
    case sql::ValueEncoding::kHexWithCharset:
      out = "_" + f.charset + " ";
      sql::AppendHexLiteral(&out, v);
      break;
  }
  return out;
}

}  // namespace myvault::dump
