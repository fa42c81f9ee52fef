// The binlog archive's objects (myvault/binlog/files.h): partial files of gzip members, their
// recovery after a crash, reading, checksums, removal and the index, through a storage::Store.
#include "myvault/binlog/files.h"

#include <libdeflate.h>

#include <memory>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/ops/health.h"

namespace myvault::binlog {
namespace {

constexpr size_t kMaxMemberOutput = size_t{1} << 31;
constexpr size_t kMaxIndexBytes = size_t{64} << 20;

// The whole object (read ahead in parallel from a bucket).
Result<std::string> ReadWhole(const storage::ObjectReader& reader) {
  std::string data(static_cast<size_t>(reader.size()), '\0');
  storage::ReadAheadStream in(&reader);
  size_t done = 0;
  while (done < data.size()) {
    ASSIGN_OR_RETURN(size_t n, in.Read(data.data() + done, data.size() - done));
    if (n == 0) return IoError(reader.name() + ": shorter than its listed size");
    done += n;
  }
  return data;
}

// The partial (`partial`) or the complete file of B, whole; kNotFound when absent.
Result<std::string> ReadFile(const storage::Store& store, std::string_view prefix,
                             std::string_view server_file, bool partial) {
  const std::string name = ArchivedName(prefix, server_file);
  Result<std::unique_ptr<storage::ObjectReader>> reader =
      partial ? store.OpenAppended(name) : store.OpenRead(name);
  if (!reader.ok()) return reader.status();
  return ReadWhole(**reader);
}

struct Inflater {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  ~Inflater() { libdeflate_free_decompressor(d); }
};

// Inflates the gzip members of `data` in order, handing each to `use`. Stops at the first member
// that does not inflate: *kept is the size of the members before it.
Status ForEachMember(std::string_view data, const std::function<Status(std::string_view)>& use,
                     uint64_t* kept) {
  Inflater inflater;
  if (inflater.d == nullptr) return Internal("libdeflate_alloc_decompressor failed");
  std::string out(size_t{4} << 20, '\0');
  *kept = 0;
  while (*kept < data.size()) {
    const std::string_view in = data.substr(*kept);
    size_t in_used = 0, out_size = 0;
    libdeflate_result r;
    while ((r = libdeflate_gzip_decompress_ex(inflater.d, in.data(), in.size(), out.data(),
                                              out.size(), &in_used, &out_size)) ==
               LIBDEFLATE_INSUFFICIENT_SPACE &&
           out.size() < kMaxMemberOutput) {
      out.resize(out.size() * 2);
    }
    if (r != LIBDEFLATE_SUCCESS) return Status::Ok();
    RETURN_IF_ERROR(use(std::string_view(out.data(), out_size)));
    *kept += in_used;
  }
  return Status::Ok();
}

}  // namespace

Result<BinlogIndex> ReadIndex(const storage::Store& store, std::string_view prefix) {
  const std::string name = IndexName(prefix);
  Result<std::string> text = store.ReadSmall(name, kMaxIndexBytes);
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) return BinlogIndex{};
  if (!text.ok()) return text.status();
  Result<BinlogIndex> index = DecodeIndex(*text);
  if (!index.ok()) return index.status().WithContext(store.Describe(name));
  return index;
}

Status WriteIndex(storage::Store& store, std::string_view prefix, const BinlogIndex& index) {
  return store.WriteSmall(IndexName(prefix), EncodeIndex(index));
}

Result<std::unique_ptr<PartialWriter>> PartialWriter::Open(storage::Store& store,
                                                           std::string_view prefix,
                                                           std::string_view server_file,
                                                           uint64_t size) {
  const std::string name = ArchivedName(prefix, server_file);
  ASSIGN_OR_RETURN(std::unique_ptr<storage::AppendWriter> w, store.OpenAppend(name, size));
  return std::unique_ptr<PartialWriter>(
      new PartialWriter(store, prefix, server_file, std::move(w)));
}

Status PartialWriter::Append(std::string_view events, bool sync) {
  std::string member;
  if (!events.empty()) {
    std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
        libdeflate_alloc_compressor(1), &libdeflate_free_compressor);
    if (c == nullptr) return Internal("libdeflate_alloc_compressor failed");
    member.resize(libdeflate_gzip_compress_bound(c.get(), events.size()));
    const size_t n = libdeflate_gzip_compress(c.get(), events.data(), events.size(), member.data(),
                                              member.size());
    if (n == 0) return Internal("gzip compression of binlog events failed");
    member.resize(n);
  }
  return writer_->Append(member, sync);
}

Status PartialWriter::Complete() {
  RETURN_IF_ERROR(writer_->Seal());
  return WriteArchivedSha256(store_, prefix_, file_);
}

Status WriteArchivedSha256(storage::Store& store, std::string_view prefix,
                           std::string_view server_file) {
  const std::string name = ArchivedName(prefix, server_file);
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> sealed, store.OpenRead(name));
  archive::Sha256 sha;
  storage::ReadAheadStream in(sealed.get());
  std::string block(size_t{1} << 20, '\0');
  while (true) {
    ASSIGN_OR_RETURN(size_t n, in.Read(block.data(), block.size()));
    if (n == 0) break;
    sha.Update(std::string_view(block.data(), n));
  }
  return store.WriteSmall(name + ".sha256", archive::Sha256Hex(sha.Final()) + "  " + name + "\n");
}

Result<uint64_t> RecoverPartial(const storage::Store& store, std::string_view prefix,
                                std::string_view server_file,
                                const std::function<Status(std::string_view)>& use) {
  Result<std::string> data = ReadFile(store, prefix, server_file, true);
  if (!data.ok() && data.status().code() == StatusCode::kNotFound) return uint64_t{0};
  if (!data.ok()) return data.status();
  uint64_t kept = 0;
  RETURN_IF_ERROR(ForEachMember(*data, use, &kept));
  return kept;
}

Status ReadArchived(const storage::Store& store, std::string_view prefix,
                    std::string_view server_file, bool partial,
                    const std::function<Status(std::string_view)>& use) {
  ASSIGN_OR_RETURN(std::string data, ReadFile(store, prefix, server_file, partial));
  uint64_t kept = 0;
  RETURN_IF_ERROR(ForEachMember(data, use, &kept));
  if (kept != data.size()) {
    return Corrupt("archived binlog " + store.Describe(ArchivedName(prefix, server_file)) +
                   (partial ? " (partial)" : "") + " is damaged at offset " + std::to_string(kept));
  }
  return Status::Ok();
}

Status CheckArchivedSha256(const storage::Store& store, std::string_view prefix,
                           std::string_view server_file) {
  Status st = ops::CheckSha256(store.Describe(ArchivedName(prefix, server_file)), nullptr);
  if (st.code() == StatusCode::kNotFound) return Corrupt("archived binlog " + st.message());
  return st;
}

Result<bool> ArchivedExists(const storage::Store& store, std::string_view prefix,
                            std::string_view server_file) {
  ASSIGN_OR_RETURN(std::optional<uint64_t> size, store.Stat(ArchivedName(prefix, server_file)));
  return size.has_value();
}

Status RemoveArchived(storage::Store& store, std::string_view prefix,
                      std::string_view server_file) {
  const std::string name = ArchivedName(prefix, server_file);
  RETURN_IF_ERROR(store.Remove(name + ".sha256"));
  return store.Remove(name);
}

}  // namespace myvault::binlog
