// File I/O of the binlog archive (myvault/binlog/files.h): partial files of gzip members, their
// recovery after a crash, reading, checksums, removal and the index file.
#include "myvault/binlog/files.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/archive/writer.h"
#include "myvault/ops/health.h"
#include "ops/file_util.h"  // WriteAll: the one write-all loop

namespace myvault::binlog {
namespace {

constexpr size_t kMaxMemberOutput = size_t{1} << 31;

std::string Join(const std::string& dir, std::string_view name) {
  return dir + "/" + std::string(name);
}

Result<std::string> ReadWhole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path + " does not exist");
    return IoErrorFromErrno("open " + path, errno);
  }
  std::string data;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return IoErrorFromErrno("read " + path, e);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
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

Result<BinlogIndex> ReadIndex(const std::string& dir, std::string_view prefix) {
  Result<std::string> text = ReadWhole(Join(dir, IndexName(prefix)));
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) return BinlogIndex{};
  if (!text.ok()) return text.status();
  Result<BinlogIndex> index = DecodeIndex(*text);
  if (!index.ok()) return index.status().WithContext(Join(dir, IndexName(prefix)));
  return index;
}

Status WriteIndex(const std::string& dir, std::string_view prefix, const BinlogIndex& index) {
  return ops::WriteFileAtomically(Join(dir, IndexName(prefix)), EncodeIndex(index), 0600);
}

Result<std::unique_ptr<PartialWriter>> PartialWriter::Open(const std::string& dir,
                                                           std::string_view prefix,
                                                           std::string_view server_file,
                                                           uint64_t size) {
  const std::string name = ArchivedName(prefix, server_file);
  const std::string path = Join(dir, name) + ".partial";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoErrorFromErrno("open " + path, errno);
  std::unique_ptr<PartialWriter> w(new PartialWriter(dir, path, name, fd));
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0 ||
      ::lseek(fd, static_cast<off_t>(size), SEEK_SET) < 0) {
    return IoErrorFromErrno("truncate " + path, errno);
  }
  if (size == 0) RETURN_IF_ERROR(archive::SyncDirectoryOf(path));
  return w;
}

PartialWriter::~PartialWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status PartialWriter::Append(std::string_view events, bool sync) {
  if (!events.empty()) {
    std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
        libdeflate_alloc_compressor(1), &libdeflate_free_compressor);
    if (c == nullptr) return Internal("libdeflate_alloc_compressor failed");
    std::string member(libdeflate_gzip_compress_bound(c.get(), events.size()), '\0');
    const size_t n = libdeflate_gzip_compress(c.get(), events.data(), events.size(), member.data(),
                                              member.size());
    if (n == 0) return Internal("gzip compression of binlog events failed");
    RETURN_IF_ERROR(ops::WriteAll(fd_, std::string_view(member.data(), n), path_));
  }
  if (sync && ::fsync(fd_) != 0) return IoErrorFromErrno("fsync " + path_, errno);
  return Status::Ok();
}

Status PartialWriter::Complete() {
  if (::fsync(fd_) != 0) return IoErrorFromErrno("fsync " + path_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return IoErrorFromErrno("close " + path_, errno);
  const std::string final_path = Join(dir_, name_);
  if (::rename(path_.c_str(), final_path.c_str()) != 0) {
    return IoErrorFromErrno("rename " + path_, errno);
  }
  ASSIGN_OR_RETURN(std::string bytes, ReadWhole(final_path));
  const std::string line = archive::Sha256Hex(archive::Sha256::Of(bytes)) + "  " + name_ + "\n";
  RETURN_IF_ERROR(ops::WriteFileAtomically(final_path + ".sha256", line, 0600));
  return archive::SyncDirectoryOf(final_path);
}

Result<uint64_t> RecoverPartial(const std::string& dir, std::string_view prefix,
                                std::string_view server_file,
                                const std::function<Status(std::string_view)>& use) {
  Result<std::string> data = ReadWhole(Join(dir, ArchivedName(prefix, server_file)) + ".partial");
  if (!data.ok() && data.status().code() == StatusCode::kNotFound) return uint64_t{0};
  if (!data.ok()) return data.status();
  uint64_t kept = 0;
  RETURN_IF_ERROR(ForEachMember(*data, use, &kept));
  return kept;
}

Status ReadArchived(const std::string& dir, std::string_view prefix, std::string_view server_file,
                    bool partial, const std::function<Status(std::string_view)>& use) {
  const std::string path =
      Join(dir, ArchivedName(prefix, server_file)) + (partial ? ".partial" : "");
  ASSIGN_OR_RETURN(std::string data, ReadWhole(path));
  uint64_t kept = 0;
  RETURN_IF_ERROR(ForEachMember(data, use, &kept));
  if (kept != data.size()) {
    return Corrupt("archived binlog " + path + " is damaged at offset " + std::to_string(kept));
  }
  return Status::Ok();
}

Status CheckArchivedSha256(const std::string& dir, std::string_view prefix,
                           std::string_view server_file) {
  const std::string path = Join(dir, ArchivedName(prefix, server_file));
  Status st = ops::CheckSha256(path, nullptr);
  if (st.code() == StatusCode::kNotFound) return Corrupt("archived binlog " + st.message());
  return st;
}

bool ArchivedExists(const std::string& dir, std::string_view prefix, std::string_view server_file) {
  return ::access(Join(dir, ArchivedName(prefix, server_file)).c_str(), F_OK) == 0;
}

Status RemoveArchived(const std::string& dir, std::string_view prefix,
                      std::string_view server_file) {
  const std::string path = Join(dir, ArchivedName(prefix, server_file));
  if (::unlink((path + ".sha256").c_str()) != 0 && errno != ENOENT) {
    return IoErrorFromErrno("remove " + path + ".sha256", errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return IoErrorFromErrno("remove " + path, errno);
  return archive::SyncDirectoryOf(path);
}

}  // namespace myvault::binlog
