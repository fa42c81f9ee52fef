#include "planner.h"

#include <algorithm>
#include <numeric>

#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

std::string TableName(const Table& t) { return sql::QualifiedName(t.schema, t.name); }

constexpr size_t kOrderedMaxUnits = 256;

}  // namespace

Planner::Planner(const PipelineConfig& config, const PipelineInputs& in,
                 const std::vector<TableQuery>* queries, std::vector<TableState>* states,
                 std::function<void(size_t)> table_done)
    : config_(config),
      in_(in),
      queries_(queries),
      states_(states),
      table_done_(std::move(table_done)) {
  const auto& tables = in.catalog->tables;
  order_.resize(tables.size());
  std::iota(order_.begin(), order_.end(), 0);
  if (in.ordered != nullptr) return;  // ordered output: catalog order
  std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
    if (tables[a].transactional != tables[b].transactional) return !tables[a].transactional;
    return tables[a].data_length > tables[b].data_length;
  });
}

std::optional<WorkUnit> Planner::Next() {
  while (pending_.empty() && (split_ || next_table_ < order_.size())) {
    if (in_.errors->cancelled()) return std::nullopt;
    size_t t = split_ ? split_->table : order_[next_table_];
    Status st = split_ ? NextSplit() : PlanTable(order_[next_table_++]);
    if (!st.ok()) {
      in_.errors->Report(st.WithContext("plan table " + TableName(in_.catalog->tables[t])));
      return std::nullopt;
    }
  }
  if (pending_.empty()) return std::nullopt;
  WorkUnit u = std::move(pending_.front());
  pending_.pop_front();
  return u;
}

void Planner::Emit(WorkUnit unit) {
  (*states_)[unit.table].outstanding.fetch_add(1);
  unit.seq = next_seq_++;
  pending_.push_back(std::move(unit));
}

void Planner::DoneEmitting(size_t t) {
  if ((*states_)[t].outstanding.fetch_sub(1) == 1) table_done_(t);
}

uint64_t Planner::RowsPerUnit(const Table& t) const {
  uint64_t avg_row = t.rows_estimate > 0 ? t.data_length / t.rows_estimate : 0;
  return std::max<uint64_t>(100, UnitBytes() / std::max<uint64_t>(avg_row, 16));
}

Status Planner::PlanTable(size_t t) {
  const Table& table = in_.catalog->tables[t];
  (*states_)[t].outstanding.store(1);  // the planner's own reference
  if (!DumpsRows(table)) {
    DoneEmitting(t);
    return Status::Ok();
  }
  WorkUnit base;
  base.table = t;
  if (table.key_kind == KeyKind::kNone) {
    Emit(base);  // one streaming pass, cut into chunks by size
    DoneEmitting(t);
    return Status::Ok();
  }
  base.paginate = table.key.size() > 1;
  base.page_rows = config_.keyset_page_rows > 0 ? config_.keyset_page_rows
                                                : std::max<uint64_t>(1000, RowsPerUnit(table));
  if (table.key_kind != KeyKind::kInteger) {
    if (table.data_length <= UnitBytes()) {
      base.paginate = true;
      Emit(base);
      DoneEmitting(t);
      return Status::Ok();
    }
    split_ = Split{t, {}, RowsPerUnit(table)};
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::vector<__int128> bounds, IntegerBounds(table));
  for (size_t i = 0; i <= bounds.size(); ++i) {
    WorkUnit u = base;
    if (i > 0) u.lower = {Int128ToString(bounds[i - 1])};
    if (i < bounds.size()) u.upper = {Int128ToString(bounds[i])};
    Emit(std::move(u));
  }
  DoneEmitting(t);
  return Status::Ok();
}

// Finds the next boundary of the table being split and emits the range before it; the last
// range (no row `step` rows further) ends the split.
Status Planner::NextSplit() {
  Split& s = *split_;
  const Table& table = in_.catalog->tables[s.table];
  const TableQuery& q = (*queries_)[s.table];
  ASSIGN_OR_RETURN(mysql::QueryResult r,
                   in_.planner->Query(NextBoundarySql(q, TableSource(table), s.lower, s.step)));
  WorkUnit u;
  u.table = s.table;
  u.lower = s.lower;
  if (r.rows.empty()) {
    Emit(std::move(u));
    size_t t = s.table;
    split_.reset();
    DoneEmitting(t);
    return Status::Ok();
  }
  std::vector<std::string> boundary;
  for (size_t i = 0; i < q.key_positions.size(); ++i) {
    const std::optional<std::string>& v = r.rows[0][i];
    if (!v) return Internal("NULL in a NOT NULL key column");
    boundary.push_back(ValueLiteral(q.key_formats[i], v->data(), v->size()));
  }
  u.upper = boundary;
  Emit(std::move(u));
  s.lower = std::move(boundary);
  return Status::Ok();
}

Result<std::vector<__int128>> Planner::IntegerBounds(const Table& table) {
  std::vector<__int128> none;
  if (table.data_length <= UnitBytes()) return none;
  std::string col = sql::QuoteIdentifier(table.columns[table.key[0]].name);
  ASSIGN_OR_RETURN(mysql::QueryResult r,
                   in_.planner->Query(SelectFor(table) + "MIN(" + col + "), MAX(" + col +
                                      ") FROM " + TableSource(table)));
  if (r.rows.empty() || !r.rows[0][0] || !r.rows[0][1]) return none;
  auto lo = ParseInt128(*r.rows[0][0]);
  auto hi = ParseInt128(*r.rows[0][1]);
  if (!lo || !hi) return none;
  // Ordered output must not depend on the thread count: the same units, hence the same INSERT
  // statements, whatever --threads says.
  size_t max_units =
      in_.ordered != nullptr ? kOrderedMaxUnits : static_cast<size_t>(config_.threads) * 64;
  return SplitIntegerRange(*lo, *hi, table.rows_estimate, table.data_length, UnitBytes(),
                           max_units);
}

}  // namespace myvault::dump
