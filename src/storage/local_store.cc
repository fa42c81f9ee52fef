#include "storage/local_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "myvault/common/clock.h"

namespace myvault::storage {
namespace {

std::string Join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

Status Errno(std::string_view what, const std::string& path, int err) {
  return IoErrorFromErrno(std::string(what) + " " + path, err);
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

class FileReader : public ObjectReader {
 public:
  FileReader(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~FileReader() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return path_; }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      const ssize_t got =
          ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return Errno("read", path_, errno);
      if (got == 0) break;
      done += static_cast<size_t>(got);
    }
    out->resize(done);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

// NAME.partial, synced and renamed at Commit; removed at Abort.
class FileWriter : public ObjectWriter {
 public:
  FileWriter(std::string path, int fd, CreateOptions options)
      : path_(std::move(path)), partial_(path_ + ".partial"), fd_(fd), options_(options) {}
  ~FileWriter() override { Abort(); }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return IoError("write " + partial_ + ": the file is closed");
    Status st = WriteAll(fd_, bytes);
    if (!st.ok()) return Fail(Status(st.code(), "write " + partial_ + ": " + st.message()));
    return Status::Ok();
  }

  Status Commit() override {
    if (fd_ < 0) return IoError("commit " + partial_ + ": the file is closed");
    if (options_.fsync && ::fsync(fd_) != 0) return Fail(Errno("fsync", partial_, errno));
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Fail(Errno("close", partial_, errno));
    if (::rename(partial_.c_str(), path_.c_str()) != 0) {
      return Fail(IoErrorFromErrno("rename " + partial_ + " to " + path_, errno));
    }
    committed_ = true;
    if (options_.fsync) return SyncDirectoryOf(path_);
    return Status::Ok();
  }

  void Abort() override {
    if (committed_) return;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    (void)::unlink(partial_.c_str());
  }

 private:
  Status Fail(Status st) {
    Abort();
    return st;
  }

  std::string path_;
  std::string partial_;
  int fd_;
  CreateOptions options_;
  bool committed_ = false;
};

// NAME.partial appended in place, renamed to NAME at Seal.
class FileAppender : public AppendWriter {
 public:
  FileAppender(std::string path, int fd)
      : path_(std::move(path)), partial_(path_ + ".partial"), fd_(fd) {}
  ~FileAppender() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view bytes, bool durable) override {
    if (fd_ < 0) return IoError("write " + partial_ + ": the file is closed");
    if (Status st = WriteAll(fd_, bytes); !st.ok()) {
      return Status(st.code(), "write " + partial_ + ": " + st.message());
    }
    if (durable && ::fsync(fd_) != 0) return Errno("fsync", partial_, errno);
    return Status::Ok();
  }

  Status Seal() override {
    if (fd_ < 0) return IoError("seal " + partial_ + ": the file is closed");
    if (::fsync(fd_) != 0) return Errno("fsync", partial_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Errno("close", partial_, errno);
    if (::rename(partial_.c_str(), path_.c_str()) != 0) {
      return IoErrorFromErrno("rename " + partial_ + " to " + path_, errno);
    }
    return SyncDirectoryOf(path_);
  }

 private:
  std::string path_, partial_;
  int fd_;
};

class FileLock : public StoreLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override {
    // An empty file tells the next holder nobody died holding it; the file stays (removing it
    // would race with a new holder).
    (void)::ftruncate(fd_, 0);
    ::close(fd_);
  }

 private:
  int fd_;
};

class LocalStore : public Store {
 public:
  explicit LocalStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& location() const override { return dir_; }
  std::string Describe(std::string_view name) const override { return Join(dir_, name); }

  Result<std::vector<ObjectInfo>> List() const override {
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr && errno == ENOENT)
      return NotFound("backup directory " + dir_ + " does not exist");
    if (d == nullptr) return IoErrorFromErrno("open the backup directory " + dir_, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    const int read_errno = errno;
    ::closedir(d);
    if (read_errno != 0) return IoErrorFromErrno("read the backup directory " + dir_, read_errno);
    std::vector<ObjectInfo> out;
    for (std::string& name : names) {
      struct stat st {};
      if (::lstat(Describe(name).c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // removed while we listed
        return Errno("stat", Describe(name), errno);
      }
      if (!S_ISREG(st.st_mode)) continue;
      out.push_back({std::move(name), static_cast<uint64_t>(st.st_size)});
    }
    return out;
  }

  Result<std::optional<uint64_t>> Stat(std::string_view name) const override {
    struct stat st {};
    const std::string path = Describe(name);
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return std::optional<uint64_t>();
      return Errno("stat", path, errno);
    }
    return std::optional<uint64_t>(static_cast<uint64_t>(st.st_size));
  }

  Result<std::unique_ptr<ObjectReader>> OpenRead(std::string_view name) const override {
    return OpenLocalFile(Describe(name));
  }

  Result<std::unique_ptr<ObjectWriter>> Create(std::string_view name,
                                               CreateOptions options) override {
    const std::string path = Describe(name);
    const std::string partial = path + ".partial";
    const int fd = ::open(partial.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return Status(StatusCode::kIo, "open " + partial + ": " + std::strerror(errno));
    if (::fchmod(fd, 0600) != 0) {
      const int err = errno;
      ::close(fd);
      (void)::unlink(partial.c_str());
      return Status(StatusCode::kIo, "open " + partial + ": " + std::strerror(err));
    }
    return std::unique_ptr<ObjectWriter>(new FileWriter(path, fd, options));
  }

  Result<std::unique_ptr<AppendWriter>> OpenAppend(std::string_view name, uint64_t keep) override {
    const std::string path = Describe(name);
    const std::string partial = path + ".partial";
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Errno("open", partial, errno);
    std::unique_ptr<AppendWriter> w(new FileAppender(path, fd));
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Errno("stat", partial, errno);
    if (static_cast<uint64_t>(st.st_size) < keep) {
      return Internal("keeping " + std::to_string(keep) + " bytes of " + partial + ", which has " +
                      std::to_string(st.st_size));
    }
    if (::ftruncate(fd, static_cast<off_t>(keep)) != 0 ||
        ::lseek(fd, static_cast<off_t>(keep), SEEK_SET) < 0) {
      return Errno("truncate", partial, errno);
    }
    if (keep == 0) RETURN_IF_ERROR(SyncDirectoryOf(partial));
    return w;
  }

  Result<std::unique_ptr<ObjectReader>> OpenAppended(std::string_view name) const override {
    return OpenLocalFile(Describe(name) + ".partial");
  }

  Status RemoveAppended(std::string_view name) override {
    return Remove(std::string(name) + ".partial");
  }

  Status Remove(std::string_view name) override {
    const std::string path = Describe(name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("remove", path, errno);
    return Status::Ok();
  }

  Status Rename(std::string_view from, std::string_view to) override {
    const std::string a = Describe(from), b = Describe(to);
    if (::rename(a.c_str(), b.c_str()) != 0) {
      if (errno == ENOENT) return NotFound(a + ": No such file or directory");
      return IoErrorFromErrno("rename " + a + " to " + b, errno);
    }
    return SyncDirectoryOf(b);
  }

  Status PointLatest(std::string_view prefix, std::string_view name) override;
  Result<std::optional<std::string>> ReadLatest(std::string_view prefix) const override;
  Result<std::unique_ptr<StoreLock>> Lock(std::string_view prefix, int* took_over_pid) override;
  Result<int> CleanupIncomplete(std::string_view name_prefix) override;

 private:
  std::string LatestPath(std::string_view prefix) const {
    return Describe(std::string(prefix) + "-latest.sql.gz");
  }

  std::string dir_;
};

// What a killed writer of NAME left in a directory: NAME.partial (its bytes so far, as large as
// the database) and, when it died between the two steps of ArchiveWriter::Finish, NAME.sha256
// without NAME. The caller holds the lock of the backups named `name_prefix`*, so no live writer
// owns them. Returns how many .partial files were removed.
Result<int> LocalStore::CleanupIncomplete(std::string_view name_prefix) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, List());
  std::set<std::string> names;
  for (const ObjectInfo& o : objects) names.insert(o.name);
  int removed = 0;
  for (const std::string& name : names) {
    if (!name.starts_with(name_prefix)) continue;
    if (name.ends_with(".partial")) {
      RETURN_IF_ERROR(Remove(name));
      ++removed;
    } else if (name.ends_with(".sha256")) {
      const std::string archive = name.substr(0, name.size() - 7);
      if (names.count(archive) == 0) RETURN_IF_ERROR(Remove(name));
    }
  }
  return removed;
}

Status LocalStore::PointLatest(std::string_view prefix, std::string_view name) {
  const std::string link = LatestPath(prefix);
  const std::string temp = link + ".new." + std::to_string(::getpid());
  (void)::unlink(temp.c_str());
  if (::symlink(std::string(name).c_str(), temp.c_str()) != 0) {
    return Errno("create", temp, errno);
  }
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    const int err = errno;
    (void)::unlink(temp.c_str());
    return IoErrorFromErrno("rename " + temp + " to " + link, err);
  }
  return SyncDirectoryOf(link);
}

Result<std::optional<std::string>> LocalStore::ReadLatest(std::string_view prefix) const {
  const std::string link = LatestPath(prefix);
  std::string target(4096, '\0');
  const ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
  if (n < 0 && errno == ENOENT) return std::optional<std::string>();
  if (n < 0) return IoErrorFromErrno("read the link " + link, errno);
  target.resize(static_cast<size_t>(n));
  return std::optional<std::string>(target);
}

Result<std::unique_ptr<StoreLock>> LocalStore::Lock(std::string_view prefix, int* took_over_pid) {
  if (took_over_pid != nullptr) *took_over_pid = 0;
  const std::string path = Describe("." + std::string(prefix) + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) return NotFound("backup directory " + dir_ + " does not exist");
  if (fd < 0) return IoErrorFromErrno("open the lock file " + path, errno);
  std::string holder(256, '\0');
  const ssize_t got = ::pread(fd, holder.data(), holder.size() - 1, 0);
  holder.resize(got > 0 ? static_cast<size_t>(got) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return IoErrorFromErrno("lock " + path, err);
    return Status(StatusCode::kLockTimeout,
                  "another myvault (" + (holder.empty() ? std::string("pid unknown") : holder) +
                      ") is running a backup in " + dir_ + "; its lock is " + path);
  }
  // We hold it: whoever wrote the file is gone (the kernel dropped their lock).
  if (took_over_pid != nullptr && holder.rfind("pid ", 0) == 0) {
    *took_over_pid = std::atoi(holder.c_str() + 4);
  }
  const std::string me = "pid " + std::to_string(::getpid()) + ", started " +
                         WallClockText("%Y-%m-%d %H:%M:%S UTC", true) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return IoErrorFromErrno("write the lock file " + path, err);
  }
  return std::unique_ptr<StoreLock>(new FileLock(fd));
}

}  // namespace

Status SyncDirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open directory " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoErrorFromErrno("fsync directory " + dir, err);
}

std::unique_ptr<Store> NewLocalStore(const std::string& dir) {
  return std::make_unique<LocalStore>(dir);
}

Result<std::unique_ptr<ObjectReader>> OpenLocalFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return NotFound(path + ": No such file or directory");
  if (fd < 0) return IoErrorFromErrno("open " + path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return IoErrorFromErrno("stat " + path, err);
  }
  return std::unique_ptr<ObjectReader>(new FileReader(path, fd, static_cast<uint64_t>(st.st_size)));
}

}  // namespace myvault::storage
