// Appendable objects as batch objects (myvault/storage/store.h, AppendWriter): what a store that
// cannot append (a bucket) keeps of an object built over a long time. NAME.partial.00000001,
// NAME.partial.00000002, ... each hold one batch; their concatenation is the bytes appended so
// far. Every batch is written whole (Create/Commit) or not at all, so a crash loses at most the
// batch being written, never a part of one.
#include <algorithm>
#include <cstdio>

#include "myvault/storage/store.h"

namespace myvault::storage {
namespace {

constexpr size_t kBatchLimit = size_t{8} << 20;  // bytes held in memory before a batch is written
constexpr size_t kCopyBlock = size_t{8} << 20;

struct Batch {
  uint64_t number = 0;
  std::string name;
  uint64_t size = 0;
};

std::string BatchName(std::string_view name, uint64_t number) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%08llu", static_cast<unsigned long long>(number));
  return std::string(name) + ".partial." + digits;
}

// The batches of `name`, in order.
Result<std::vector<Batch>> ListBatches(const Store& store, std::string_view name) {
  Result<std::vector<ObjectInfo>> all = store.List();
  if (!all.ok() && all.status().code() == StatusCode::kNotFound) return std::vector<Batch>{};
  if (!all.ok()) return all.status();
  const std::string stem = std::string(name) + ".partial.";
  std::vector<Batch> out;
  for (const ObjectInfo& o : *all) {
    if (o.name.size() != stem.size() + 8 || o.name.compare(0, stem.size(), stem) != 0) continue;
    const std::string digits = o.name.substr(stem.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    out.push_back({std::stoull(digits), o.name, o.size});
  }
  std::sort(out.begin(), out.end(),
            [](const Batch& a, const Batch& b) { return a.number < b.number; });
  return out;
}

// The batches read as one object.
class ConcatReader : public ObjectReader {
 public:
  ConcatReader(std::string name, std::vector<std::unique_ptr<ObjectReader>> parts, bool remote)
      : name_(std::move(name)), parts_(std::move(parts)), remote_(remote) {
    for (const auto& p : parts_) {
      starts_.push_back(size_);
      size_ += p->size();
    }
  }
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  bool remote() const override { return remote_; }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    out->clear();
    size_t i = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) -
                                   starts_.begin());
    i = i == 0 ? 0 : i - 1;
    std::string piece;
    for (; i < parts_.size() && out->size() < n; ++i) {
      const uint64_t at = offset + out->size() - starts_[i];
      if (at >= parts_[i]->size()) continue;
      const size_t want =
          static_cast<size_t>(std::min<uint64_t>(n - out->size(), parts_[i]->size() - at));
      RETURN_IF_ERROR(parts_[i]->ReadAt(at, want, &piece));
      if (piece.size() != want) return IoError(parts_[i]->name() + ": shorter than listed");
      out->append(piece);
    }
    return Status::Ok();
  }

 private:
  std::string name_;
  std::vector<std::unique_ptr<ObjectReader>> parts_;
  std::vector<uint64_t> starts_;
  uint64_t size_ = 0;
  bool remote_;
};

class BatchWriter : public AppendWriter {
 public:
  BatchWriter(Store* store, std::string name, uint64_t next)
      : store_(store), name_(std::move(name)), next_(next) {}

  Status Append(std::string_view bytes, bool durable) override {
    held_.append(bytes);
    if (durable || held_.size() >= kBatchLimit) return WriteHeld();
    return Status::Ok();
  }

  Status Seal() override {
    RETURN_IF_ERROR(WriteHeld());
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> all, store_->OpenAppended(name_));
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> out, store_->Create(name_));
    ReadAheadStream in(all.get(), kCopyBlock, 2);
    std::string block(kCopyBlock, '\0');
    while (true) {
      ASSIGN_OR_RETURN(size_t n, in.Read(block.data(), block.size()));
      if (n == 0) break;
      RETURN_IF_ERROR(out->Write(std::string_view(block.data(), n)));
    }
    RETURN_IF_ERROR(out->Commit());
    return store_->RemoveAppended(name_);
  }

 private:
  Status WriteHeld() {
    if (held_.empty()) return Status::Ok();
    RETURN_IF_ERROR(store_->WriteSmall(BatchName(name_, next_), held_));
    ++next_;
    held_.clear();
    return Status::Ok();
  }

  Store* store_;
  std::string name_;
  uint64_t next_;
  std::string held_;
};

}  // namespace

Result<std::unique_ptr<AppendWriter>> Store::OpenAppend(std::string_view name, uint64_t keep) {
  ASSIGN_OR_RETURN(std::vector<Batch> batches, ListBatches(*this, name));
  uint64_t start = 0, next = 1;
  for (const Batch& b : batches) {
    if (start >= keep) {
      RETURN_IF_ERROR(Remove(b.name));  // after what is kept
      continue;
    }
    if (start + b.size > keep) {  // the batch that `keep` ends in: rewritten shorter
      ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> r, OpenRead(b.name));
      std::string head;
      RETURN_IF_ERROR(r->ReadAt(0, static_cast<size_t>(keep - start), &head));
      RETURN_IF_ERROR(WriteSmall(b.name, head));
    }
    start += std::min(b.size, keep - start);
    next = b.number + 1;
  }
  if (start < keep) {
    return Internal("keeping " + std::to_string(keep) + " bytes of " + Describe(name) +
                    ", which has " + std::to_string(start));
  }
  return std::unique_ptr<AppendWriter>(new BatchWriter(this, std::string(name), next));
}

Result<std::unique_ptr<ObjectReader>> Store::OpenAppended(std::string_view name) const {
  ASSIGN_OR_RETURN(std::vector<Batch> batches, ListBatches(*this, name));
  if (batches.empty()) return NotFound(Describe(name) + " has no appended bytes");
  std::vector<std::unique_ptr<ObjectReader>> parts;
  bool remote = false;
  for (const Batch& b : batches) {
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> r, OpenRead(b.name));
    remote = remote || r->remote();
    parts.push_back(std::move(r));
  }
  return std::unique_ptr<ObjectReader>(
      new ConcatReader(Describe(name) + ".partial.*", std::move(parts), remote));
}

Status Store::RemoveAppended(std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<Batch> batches, ListBatches(*this, name));
  // The last first: stopped half way, what is left is still a prefix of the appended bytes.
  for (auto b = batches.rbegin(); b != batches.rend(); ++b) RETURN_IF_ERROR(Remove(b->name));
  return Status::Ok();
}

}  // namespace myvault::storage
