#include "myvault/ops/offsite.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/archive/writer.h"
#include "offsite_command.h"

namespace myvault::ops {
namespace {

constexpr size_t kBlockSize = size_t{1} << 20;

bool IsCancelled(const ErrorCollector* cancel) { return cancel != nullptr && cancel->cancelled(); }

// A file descriptor closed on destruction (errors of an explicit Close() are reported).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Removes `path` on destruction unless Keep() was called.
class RemoveUnlessKept {
 public:
  explicit RemoveUnlessKept(std::string path) : path_(std::move(path)) {}
  ~RemoveUnlessKept() {
    if (!kept_) ::unlink(path_.c_str());
  }
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  void Keep() { kept_ = true; }

 private:
  std::string path_;
  bool kept_ = false;
};

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("write " + path, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Reads `path` in blocks of kBlockSize and hands each to `use`; checks `cancel` before each
// block (a cancellation names `copy`, the file being made).
Status ForEachBlock(const std::string& path, const std::string& copy, const ErrorCollector* cancel,
                    const std::function<Status(std::string_view)>& use) {
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return IoErrorFromErrno("open " + path, errno);
  std::vector<char> buffer(kBlockSize);
  for (;;) {
    if (IsCancelled(cancel)) return Cancelled("offsite copy to " + copy + " cancelled");
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("read " + path, errno);
    if (n == 0) return Status::Ok();
    RETURN_IF_ERROR(use(std::string_view(buffer.data(), static_cast<size_t>(n))));
  }
}

// Copies `from` into the new file `to_fd` (named `to` in errors), then fsyncs it.
Status CopyBlocks(const std::string& from, int to_fd, const std::string& to,
                  const ErrorCollector* cancel) {
  RETURN_IF_ERROR(ForEachBlock(from, to, cancel,
                               [&](std::string_view block) { return WriteAll(to_fd, block, to); }));
  if (::fsync(to_fd) != 0) return IoErrorFromErrno("fsync " + to, errno);
  // Drop the cached pages so that the check below reads what the storage holds, where it can.
  (void)::posix_fadvise(to_fd, 0, 0, POSIX_FADV_DONTNEED);
  return Status::Ok();
}

Result<std::string> Sha256HexOfFile(const std::string& path, const ErrorCollector* cancel) {
  archive::Sha256 hash;
  RETURN_IF_ERROR(ForEachBlock(path, path, cancel, [&hash](std::string_view block) {
    hash.Update(block);
    return Status::Ok();
  }));
  return archive::Sha256Hex(hash.Final());
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Copies `from` to `to` through `to`.partial; when `sha256_hex` is not empty, the copy must hash
// to it before it is renamed into place.
Status CopyFileChecked(const std::string& from, const std::string& to,
                       const std::string& sha256_hex, const ErrorCollector* cancel) {
  const std::string partial = to + ".partial";
  if (::unlink(partial.c_str()) != 0 && errno != ENOENT) {
    return IoErrorFromErrno("remove stale " + partial, errno);
  }
  Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return IoErrorFromErrno("create " + partial, errno);
  RemoveUnlessKept remove(partial);
  if (::fchmod(out.get(), 0600) != 0) return IoErrorFromErrno("chmod " + partial, errno);
  RETURN_IF_ERROR(CopyBlocks(from, out.get(), partial, cancel));
  if (out.Close() != 0) return IoErrorFromErrno("close " + partial, errno);
  if (!sha256_hex.empty()) {
    ASSIGN_OR_RETURN(const std::string actual, Sha256HexOfFile(partial, cancel));
    if (actual != Lower(sha256_hex)) {
      return Corrupt("offsite copy " + partial + " does not match the backup: SHA-256 " + actual +
                     ", expected " + Lower(sha256_hex));
    }
  }
  if (::rename(partial.c_str(), to.c_str()) != 0) {
    return IoErrorFromErrno("rename " + partial + " to " + to, errno);
  }
  remove.Keep();
  return Status::Ok();
}

Status CheckDirectory(const std::string& dir, const std::string& file) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("offsite directory " + dir + " does not exist");
    return IoErrorFromErrno("offsite directory " + dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) return NotFound("offsite directory " + dir + " is not a directory");
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) parent = ".";
  if (std::filesystem::equivalent(dir, parent, ec)) {
    return InvalidArgument("offsite directory " + dir + " is the backup's own directory");
  }
  return Status::Ok();
}

Status CopyToDirectory(const std::string& dir, const std::string& file,
                       const std::string& sha256_hex, const ErrorCollector* cancel) {
  RETURN_IF_ERROR(CheckDirectory(dir, file));
  const std::string name = std::filesystem::path(file).filename().string();
  const std::string to = (std::filesystem::path(dir) / name).string();
  RETURN_IF_ERROR(CopyFileChecked(file, to, sha256_hex, cancel));
  const std::string checksum_file = file + ".sha256";
  struct stat st {};
  if (::stat(checksum_file.c_str(), &st) == 0) {
    RETURN_IF_ERROR(CopyFileChecked(checksum_file, to + ".sha256", "", cancel));
  }
  return archive::SyncDirectoryOf(to);
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

Status CopyOffsite(const OffsiteOptions& options, const std::string& file,
                   const std::string& sha256_hex, const ErrorCollector* cancel) {
  if (!options.copy_to.empty()) {
    RETURN_IF_ERROR(CopyToDirectory(options.copy_to, file, sha256_hex, cancel));
  }
  if (!options.copy_command.empty()) {
    RETURN_IF_ERROR(RunCopyCommand(options.copy_command, file, cancel));
  }
  return Status::Ok();
}

}  // namespace myvault::ops
