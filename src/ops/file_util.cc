#include "file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/storage/store.h"

namespace myvault::ops {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int Fd::Close() {
  const int rc = ::close(fd_);
  fd_ = -1;
  return rc;
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("write " + path, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

namespace {

// A remote object, read ahead in parallel ranged reads.
Status ForEachRemoteBlock(const std::string& url, std::string_view what,
                          const ErrorCollector* cancel,
                          const std::function<Status(std::string_view)>& use) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> in, storage::OpenObject(url));
  storage::ReadAheadStream stream(in.get());
  std::vector<char> buffer(kFileBlockSize);
  for (;;) {
    if (cancel != nullptr && cancel->cancelled()) {
      return Cancelled(std::string(what) + " cancelled");
    }
    ASSIGN_OR_RETURN(const size_t n, stream.Read(buffer.data(), buffer.size()));
    if (n == 0) return Status::Ok();
    RETURN_IF_ERROR(use(std::string_view(buffer.data(), n)));
  }
}

}  // namespace

// A local path is read as a stream to its end (it may be a FIFO, whose size says nothing).
Status ForEachBlock(const std::string& path, std::string_view what, const ErrorCollector* cancel,
                    const std::function<Status(std::string_view)>& use) {
  if (storage::IsObjectUrl(path)) return ForEachRemoteBlock(path, what, cancel, use);
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return IoErrorFromErrno("open " + path, errno);
  std::vector<char> buffer(kFileBlockSize);
  for (;;) {
    if (cancel != nullptr && cancel->cancelled()) {
      return Cancelled(std::string(what) + " cancelled");
    }
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("read " + path, errno);
    if (n == 0) return Status::Ok();
    RETURN_IF_ERROR(use(std::string_view(buffer.data(), static_cast<size_t>(n))));
  }
}

Result<std::string> Sha256HexOfFile(const std::string& path, std::string_view what,
                                    const ErrorCollector* cancel) {
  archive::Sha256 hash;
  RETURN_IF_ERROR(ForEachBlock(path, what, cancel, [&hash](std::string_view block) {
    hash.Update(block);
    return Status::Ok();
  }));
  return archive::Sha256Hex(hash.Final());
}

}  // namespace myvault::ops
