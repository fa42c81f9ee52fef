#include "unit_dumper.h"

#include <chrono>

#include "myvault/sql/row_format.h"
#include "myvault/sql/text.h"

namespace myvault::dump {

ChunkPool::ChunkPool(int chunks, uint64_t keep_bytes, bool ordered)
    : keep_bytes_(keep_bytes), ordered_(ordered) {
  for (int i = 0; i < chunks; ++i) {
    all_.push_back(std::make_unique<Chunk>());
    free_.push_back(all_.back().get());
  }
}

bool ChunkPool::MayTake(uint64_t unit_seq) const {
  if (free_.empty()) return false;
  return !ordered_ || free_.size() > 1 || unit_seq == head_;
}

void ChunkPool::SetHead(uint64_t seq) {
  {
    std::lock_guard<std::mutex> l(mu_);
    head_ = seq;
  }
  cv_.notify_all();
}

ChunkPtr ChunkPool::Acquire(const ErrorCollector& errors, uint64_t unit_seq) {
  std::unique_lock<std::mutex> l(mu_);
  while (!MayTake(unit_seq)) {
    if (errors.cancelled()) return nullptr;
    cv_.wait_for(l, std::chrono::milliseconds(100));
  }
  if (errors.cancelled()) return nullptr;
  Chunk* c = free_.back();
  free_.pop_back();
  return ChunkPtr(c, [this](Chunk* returned) { Return(returned); });
}

void ChunkPool::Return(Chunk* c) {
  c->sql.clear();
  c->member.clear();
  if (c->sql.capacity() > keep_bytes_) std::string().swap(c->sql);
  if (c->member.capacity() > keep_bytes_) std::string().swap(c->member);
  c->rows = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(c);
  }
  // Ordered mode: the one waiter allowed to take the last buffer may not be the first woken.
  if (ordered_) {
    cv_.notify_all();
  } else {
    cv_.notify_one();
  }
}

namespace {

// Accumulates rows into the current chunk and hands full chunks on.
class ChunkBuilder {
 public:
  ChunkBuilder(const UnitContext& ctx)
      : ctx_(ctx),
        formatter_(ctx.table->schema, ctx.table->name, ctx.query->formats, ctx.statement_size,
                   ctx.style) {}

  Status Add(const mysql::RowView& row) {
    if (!chunk_) {
      chunk_ = ctx_.chunks->Acquire(*ctx_.errors, ctx_.unit_seq);
      if (!chunk_) return Cancelled("cancelled");
      chunk_->sql.reserve(ctx_.chunk_size + (ctx_.chunk_size >> 3));
    }
    formatter_.AppendRow(&chunk_->sql, row.values, row.lengths);
    ++chunk_->rows;
    if (chunk_->sql.size() >= ctx_.chunk_size) Flush();
    return Status::Ok();
  }

  void Flush() {
    if (!chunk_) return;
    formatter_.Finish(&chunk_->sql);
    chunk_->object_id = ctx_.object_id;
    chunk_->number = ctx_.next_chunk_number();
    ctx_.emit(std::move(chunk_));
    chunk_.reset();
  }

 private:
  const UnitContext& ctx_;
  sql::InsertFormatter formatter_;
  ChunkPtr chunk_;
};

}  // namespace

Result<uint64_t> DumpUnit(mysql::Session& session, const UnitContext& ctx, const WorkUnit& unit) {
  ChunkBuilder builder(ctx);
  const TableQuery& q = *ctx.query;
  std::vector<std::string> last_key;
  std::vector<std::string> key_raw(q.key_positions.size());
  uint64_t total = 0;
  while (true) {
    uint64_t page = 0;
    Status st = session.Stream(UnitSql(q, unit, last_key), [&](const mysql::RowView& row) {
      if (ctx.errors->cancelled()) return Cancelled("cancelled");
      RETURN_IF_ERROR(builder.Add(row));
      if (unit.paginate) {
        for (size_t i = 0; i < q.key_positions.size(); ++i) {
          size_t p = q.key_positions[i];
          key_raw[i].assign(row.values[p], row.lengths[p]);
        }
      }
      ++page;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    total += page;
    if (!unit.paginate || page < unit.page_rows) break;
    last_key.clear();
    for (size_t i = 0; i < q.key_positions.size(); ++i) {
      const std::string& v = key_raw[i];
      last_key.push_back(ValueLiteral(q.key_formats[i], v.data(), v.size()));
    }
  }
  builder.Flush();
  return total;
}

}  // namespace myvault::dump
