// Private to the dump pipeline: chunks, the token pool that bounds them, and the worker body
// that streams one WorkUnit's rows into chunks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "myvault/archive/format.h"
#include "myvault/common/cancel.h"
#include "myvault/dump/plan.h"
#include "myvault/mysql/session.h"

namespace myvault::dump {

// A counting semaphore over chunk buffers. Acquire waits (polling cancellation) while all
// tokens are out; a Token returns itself when destroyed, wherever in the pipeline that is.
class TokenPool {
 public:
  explicit TokenPool(int tokens) : free_(tokens) {}
  class Token {
   public:
    Token() = default;
    explicit Token(TokenPool* pool) : pool_(pool) {}
    Token(Token&& o) noexcept : pool_(o.pool_) { o.pool_ = nullptr; }
    Token& operator=(Token&& o) noexcept {
      Reset();
      pool_ = o.pool_;
      o.pool_ = nullptr;
      return *this;
    }
    ~Token() { Reset(); }
    void Reset() {
      if (pool_ != nullptr) pool_->Release();
      pool_ = nullptr;
    }

   private:
    TokenPool* pool_ = nullptr;
  };
  // Returns false if cancelled while waiting.
  bool Acquire(const ErrorCollector& errors, Token* token);

 private:
  void Release();
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

struct Chunk {
  size_t table = 0;
  uint32_t object_id = 0;
  uint32_t number = 0;
  uint64_t rows = 0;
  std::string sql;     // freed once compressed
  std::string member;  // the encoded gzip member
  archive::MemberInfo info{};
  TokenPool::Token token;
};
using ChunkPtr = std::shared_ptr<Chunk>;

// What a worker needs to turn rows into chunks. `next_chunk_number` numbers the table's chunks;
// `emit` hands a full chunk to the compressor.
struct UnitContext {
  const Table* table = nullptr;
  const TableQuery* query = nullptr;
  uint32_t object_id = 0;
  uint64_t chunk_size = 0;
  uint64_t statement_size = 0;
  TokenPool* tokens = nullptr;
  const ErrorCollector* errors = nullptr;
  std::function<uint32_t()> next_chunk_number;
  std::function<void(ChunkPtr)> emit;
};

// Streams `unit` from `session` into chunks; returns the rows read.
Result<uint64_t> DumpUnit(mysql::Session& session, const UnitContext& ctx, const WorkUnit& unit);

}  // namespace myvault::dump
