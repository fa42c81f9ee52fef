#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "myvault/archive/writer.h"

namespace myvault::archive {
namespace {

Status Errno(int err) { return IoError(std::strerror(err)); }

}  // namespace

Result<std::unique_ptr<FileSink>> FileSink::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(errno);
  if (::fchmod(fd, 0600) != 0) {
    int err = errno;
    ::close(fd);
    return Errno(err);
  }
  return std::unique_ptr<FileSink>(new FileSink(fd, true));
}

std::unique_ptr<FileSink> FileSink::Borrow(int fd) {
  return std::unique_ptr<FileSink>(new FileSink(fd, false));
}

FileSink::~FileSink() {
  if (fd_ >= 0 && owned_) ::close(fd_);
}

Status FileSink::Write(std::string_view bytes) {
  if (fd_ < 0) return Errno(EBADF);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status FileSink::Sync() {
  if (fd_ < 0) return Errno(EBADF);
  if (!owned_) return Status::Ok();
  return ::fsync(fd_) == 0 ? Status::Ok() : Errno(errno);
}

Status FileSink::Close() {
  if (fd_ < 0) return Errno(EBADF);
  int rc = owned_ ? ::close(fd_) : 0;
  fd_ = -1;
  return rc == 0 ? Status::Ok() : Errno(errno);
}

}  // namespace myvault::archive
