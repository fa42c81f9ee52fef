#include "myvault/sql/row_format.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#include "myvault/sql/text.h"
#include "sql/literal.h"

namespace myvault::sql {

std::string InsertVerb(const InsertStyle& style) {
  if (!style.delayed) return style.verb;
  const size_t space = style.verb.find(' ');
  if (space == std::string::npos) return style.verb + " DELAYED";
  return style.verb.substr(0, space) + " DELAYED" + style.verb.substr(space);
}

InsertFormatter::InsertFormatter(std::string_view db, std::string_view table,
                                 std::vector<ColumnFormat> columns, size_t statement_size,
                                 const InsertStyle& style)
    : statement_size_(style.one_row_per_statement ? 0 : statement_size),
      one_row_per_statement_(style.one_row_per_statement) {
  assert(!columns.empty());
  const auto append_name = [&style](std::string* out, std::string_view name) {
    if (style.quote_names || IdentifierNeedsQuotes(name)) {
      AppendIdentifierQuotedBy(out, name, style.quote);
    } else {
      out->append(name);
    }
  };
  prefix_ = InsertVerb(style) + " INTO ";
  if (style.qualified) {
    append_name(&prefix_, db);
    prefix_.push_back('.');
  }
  append_name(&prefix_, table);
  if (style.column_list) {
    prefix_ += " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) prefix_.push_back(',');
      append_name(&prefix_, columns[i].name);
    }
    prefix_.push_back(')');
  }
  prefix_ += style.one_row_per_statement ? " VALUES " : " VALUES\n";
  close_and_prefix_ = ";\n" + prefix_;

  // A row's bound: separator or prefix, parentheses, commas, per column the larger of "NULL" and
  // the value's fixed part (quotes, 0x, introducer), plus 2 bytes per value byte (added per row).
  fixed_row_bound_ =
      std::max<size_t>(prefix_.size(), 2) + 2 + (columns.size() - 1) + internal::kWriteSlack;
  columns_.reserve(columns.size());
  for (ColumnFormat& c : columns) {
    Column col{c.encoding, {}, c.quote_large};
    if (c.encoding == ValueEncoding::kHexWithCharset) col.introducer = "_" + c.charset + " ";
    if (c.encoding == ValueEncoding::kHex) col.introducer = "_binary ";
    fixed_row_bound_ += std::max<size_t>(4, col.introducer.size() + 2);
    columns_.push_back(std::move(col));
  }
}

char* InsertFormatter::WriteTuple(char* dst, const char* const* values,
                                  const unsigned long* lengths) const {
  *dst++ = '(';
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) *dst++ = ',';
    const char* value = values[i];
    if (value == nullptr) {
      std::memcpy(dst, "NULL", 4);
      dst += 4;
      continue;
    }
    const Column& column = columns_[i];
    const size_t n = lengths[i];
    switch (column.encoding) {
      case ValueEncoding::kRaw:
        std::memcpy(dst, value, n);
        dst += n;
        break;
      case ValueEncoding::kString: dst = internal::WriteStringLiteral(dst, value, n); break;
      case ValueEncoding::kHex:
      case ValueEncoding::kHexWithCharset: {
        const bool quoted = column.quote_large && n >= kQuotedValueFrom;
        if (quoted || column.encoding == ValueEncoding::kHexWithCharset) {
          std::memcpy(dst, column.introducer.data(), column.introducer.size());
          dst += column.introducer.size();
        }
        dst = quoted ? internal::WriteStringLiteral(dst, value, n)
                     : internal::WriteHexLiteral(dst, value, n);
        break;
      }
    }
  }
  *dst++ = ')';
  return dst;
}

void InsertFormatter::AppendRow(std::string* out, const char* const* values,
                                const unsigned long* lengths) {
  size_t value_bytes = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (values[i] != nullptr) value_bytes += lengths[i];
  }
  const size_t start = out->size();
  internal::AppendBounded(out, fixed_row_bound_ + 2 * value_bytes, [&](char* dst) {
    if (statement_open_) {
      dst[0] = ',';
      dst[1] = '\n';
      dst += 2;
    } else {
      std::memcpy(dst, prefix_.data(), prefix_.size());
      dst += prefix_.size();
    }
    return WriteTuple(dst, values, lengths);
  });
  const size_t written = out->size() - start;
  if (one_row_per_statement_) {
    out->append(";\n");
    return;
  }
  if (!statement_open_) {
    statement_open_ = true;
    statement_bytes_ = written;
  } else if (statement_bytes_ + written + 2 <= statement_size_) {
    statement_bytes_ += written;
  } else {
    // The row does not fit: turn its ",\n" into ";\n" plus a new statement's prefix. This moves
    // the row once per statement, which is rare next to the rows that fit.
    out->replace(start, 2, close_and_prefix_);
    statement_bytes_ = written - 2 + prefix_.size();
  }
}

void InsertFormatter::Finish(std::string* out) {
  if (!statement_open_) return;
  out->append(";\n");
  statement_open_ = false;
  statement_bytes_ = 0;
}

}  // namespace myvault::sql
