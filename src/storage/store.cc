#include "myvault/storage/store.h"

#include <algorithm>
#include <deque>
#include <exception>
#include <future>

#include "storage/local_store.h"
#include "storage/s3_store.h"

namespace myvault::storage {

bool IsObjectUrl(std::string_view location) { return location.rfind("s3://", 0) == 0; }

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (location.empty()) return InvalidArgument("no backup location given");
  if (IsObjectUrl(location)) return NewS3Store(location);
  return NewLocalStore(location);
}

Result<StoreAndName> OpenStoreFor(const std::string& object) {
  const size_t slash = object.rfind('/');
  if (IsObjectUrl(object) && (slash == std::string::npos || slash < 5)) {
    return InvalidArgument(object + ": name an object, s3://BUCKET/[PREFIX/]NAME");
  }
  StoreAndName out;
  std::string location;
  if (slash == std::string::npos) {
    location = ".";
    out.name = object;
  } else {
    location = object.substr(0, slash);
    out.name = object.substr(slash + 1);
    if (location.empty()) location = "/";
  }
  if (out.name.empty()) return InvalidArgument(object + " names a directory, not a file");
  ASSIGN_OR_RETURN(out.store, OpenStore(location));
  return out;
}

Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& object) {
  if (!IsObjectUrl(object)) return OpenLocalFile(object);
  ASSIGN_OR_RETURN(StoreAndName s, OpenStoreFor(object));
  return s.store->OpenRead(s.name);
}

Result<std::string> Store::ReadSmall(std::string_view name, size_t limit) const {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader, OpenRead(name));
  if (reader->size() > limit) {
    return IoError(Describe(name) + " is larger than " + std::to_string(limit) + " bytes");
  }
  std::string out;
  RETURN_IF_ERROR(reader->ReadAt(0, reader->size(), &out));
  return out;
}

Status Store::WriteSmall(std::string_view name, std::string_view bytes, CreateOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, Create(name, options));
  RETURN_IF_ERROR(writer->Write(bytes));
  return writer->Commit();
}

struct ReadAheadStream::State {
  using Block = Result<std::string>;
  const ObjectReader* reader = nullptr;
  size_t block = 0;
  size_t parallel = 0;
  uint64_t next_fetch = 0;
  std::deque<std::future<Block>> pending;
  std::string current;
  size_t pos = 0;
  Status error;

  void Fill() {
    while (pending.size() < parallel && next_fetch < reader->size()) {
      const uint64_t offset = next_fetch;
      const size_t n = static_cast<size_t>(std::min<uint64_t>(block, reader->size() - offset));
      next_fetch += n;
      const ObjectReader* r = reader;
      pending.push_back(std::async(std::launch::async, [r, offset, n]() -> Block {
        try {
          std::string out;
          RETURN_IF_ERROR(r->ReadAt(offset, n, &out));
          if (out.size() != n) return IoError(r->name() + ": shorter than its listed size");
          return out;
        } catch (const std::exception& e) {
          return Internal(std::string("reading ") + r->name() + ": " + e.what());
        }
      }));
    }
  }
};

ReadAheadStream::ReadAheadStream(const ObjectReader* reader)
    : ReadAheadStream(reader, reader->remote() ? size_t{8} << 20 : size_t{1} << 20,
                      reader->remote() ? 4 : 2) {}

ReadAheadStream::ReadAheadStream(const ObjectReader* reader, size_t block, int parallel)
    : state_(std::make_unique<State>()) {
  state_->reader = reader;
  state_->block = std::max<size_t>(block, 1);
  state_->parallel = static_cast<size_t>(std::max(parallel, 1));
}

ReadAheadStream::~ReadAheadStream() {
  for (auto& f : state_->pending) f.wait();  // the reads use `reader`: finish them first
}

Result<size_t> ReadAheadStream::Read(char* buffer, size_t n) {
  State& s = *state_;
  RETURN_IF_ERROR(s.error);
  if (s.pos == s.current.size()) {
    s.Fill();
    if (s.pending.empty()) return size_t{0};
    Result<std::string> got = s.pending.front().get();
    s.pending.pop_front();
    if (!got.ok()) {
      s.error = got.status();
      return s.error;
    }
    s.current = std::move(got).value();
    s.pos = 0;
    s.Fill();
  }
  const size_t take = std::min(n, s.current.size() - s.pos);
  std::copy_n(s.current.data() + s.pos, take, buffer);
  s.pos += take;
  return take;
}

}  // namespace myvault::storage
