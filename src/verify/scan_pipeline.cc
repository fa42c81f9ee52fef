#include "verify/scan_pipeline.h"

#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <string>

#include "myvault/archive/member.h"
#include "myvault/archive/reader.h"
#include "myvault/archive/sha256.h"

namespace myvault::verify {
namespace {

// Members are handed to the inflating threads in batches of about this many compressed bytes;
// at most kTokensPerThread batches per thread are alive at once, which bounds memory.
constexpr size_t kBatchBytes = size_t{8} << 20;
constexpr size_t kTokensPerThread = 2;

struct Batch {
  std::vector<archive::MemberEntry> entries;
  std::vector<std::string> bytes;
  size_t bad = SIZE_MAX;  // first member that failed to decode
  Status decode_error;
  Status scan_error;  // the scanner's failure after the members above
  archive::ScannedMember failed;
};

// The serial input stage: the next members in file order, hashed as they pass.
std::shared_ptr<Batch> ReadBatch(archive::MemberScanner* scanner, archive::Sha256* file_hash,
                                 bool* done) {
  auto batch = std::make_shared<Batch>();
  size_t bytes = 0;
  try {
    while (bytes < kBatchBytes) {
      archive::ScannedMember member;
      auto next = scanner->Next(&member);
      if (!next.ok() || !*next) {
        batch->scan_error = next.status();
        batch->failed = std::move(member);
        *done = true;
        break;
      }
      file_hash->Update(member.bytes);
      bytes += member.bytes.size();
      batch->entries.push_back({member.offset, member.bytes.size(), member.info});
      batch->bytes.push_back(std::move(member.bytes));
    }
  } catch (const std::exception& e) {
    batch->scan_error = Internal(std::string("reading the archive: ") + e.what());
    *done = true;
  }
  return batch;
}

// The parallel stage: inflate and check each member, then drop its bytes.
void DecodeBatch(Batch* batch, const ScanCodec& codec) {
  try {
    archive::MemberDecoder decoder(codec.key);
    std::string payload;
    archive::MemberInfo info;
    for (size_t i = 0; i < batch->bytes.size(); ++i) {
      Status s = codec.sealed && codec.key == nullptr
                     ? archive::CheckSealedMember(batch->bytes[i], &info)
                     : decoder.Decode(batch->bytes[i], &payload, &info);
      std::string().swap(batch->bytes[i]);
      if (!s.ok()) {
        batch->bad = i;
        batch->decode_error = s;
        return;
      }
    }
  } catch (const std::exception& e) {
    batch->bad = 0;
    batch->decode_error = Internal(std::string("inflating the archive: ") + e.what());
  }
}

// The serial output stage: record members in file order; keep the first problem.
void Collect(const Batch& batch, ScanResult* result, std::atomic<bool>* stop,
             std::atomic<uint64_t>* checked_bytes) {
  if (stop->load()) return;
  const size_t good = std::min(batch.bad, batch.entries.size());
  for (size_t i = 0; i < good; ++i) {
    result->members.push_back(batch.entries[i]);
    result->raw_bytes += batch.entries[i].info.raw_size;
  }
  if (checked_bytes != nullptr && good > 0) {
    const archive::MemberEntry& last = batch.entries[good - 1];
    checked_bytes->store(last.offset + last.size, std::memory_order_relaxed);
  }
  if (good < batch.entries.size()) {
    result->error = batch.decode_error;
    result->error_offset = batch.entries[good].offset;
    result->error_info = batch.entries[good].info;
  } else if (!batch.scan_error.ok()) {
    result->error = batch.scan_error;
    result->error_offset = batch.failed.offset;
    if (batch.failed.header_parsed) result->error_info = batch.failed.info;
    result->truncated = batch.failed.truncated;
  }
  if (!result->error.ok()) stop->store(true);
}

}  // namespace

ScanResult ScanArchive(archive::MemberScanner::ReadFn read_fn, int threads,
                       const ErrorCollector* cancel, std::atomic<uint64_t>* checked_bytes,
                       ScanCodec codec) {
  ScanResult result;
  archive::MemberScanner scanner(std::move(read_fn));
  archive::Sha256 file_hash;
  bool input_done = false;
  std::atomic<bool> stop{false};
  Status cancelled;
  using BatchPtr = std::shared_ptr<Batch>;
  auto read = [&](tbb::flow_control& fc) -> BatchPtr {
    if (input_done || stop.load()) {
      fc.stop();
      return nullptr;
    }
    if (cancel != nullptr && cancel->cancelled()) {
      cancelled = cancel->first();  // Collect may be writing `result` on another thread
      stop.store(true);
      fc.stop();
      return nullptr;
    }
    return ReadBatch(&scanner, &file_hash, &input_done);
  };
  auto decode = [codec](BatchPtr batch) {
    DecodeBatch(batch.get(), codec);
    return batch;
  };
  auto collect = [&](const BatchPtr& batch) { Collect(*batch, &result, &stop, checked_bytes); };
  // More threads than the machine has would only make oneTBB complain; tokens stay as asked.
  tbb::task_arena arena(std::min(threads, tbb::info::default_concurrency()));
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(threads) * kTokensPerThread,
        tbb::make_filter<void, BatchPtr>(tbb::filter_mode::serial_in_order, read) &
            tbb::make_filter<BatchPtr, BatchPtr>(tbb::filter_mode::parallel, decode) &
            tbb::make_filter<BatchPtr, void>(tbb::filter_mode::serial_in_order, collect));
  });
  if (result.error.ok() && !cancelled.ok()) result.error = cancelled;
  if (result.error.ok()) result.file_sha256 = file_hash.Final();
  return result;
}

}  // namespace myvault::verify
