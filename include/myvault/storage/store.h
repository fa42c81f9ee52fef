// Where backups live: a flat namespace of objects (names without '/') in a local directory or
// under an S3 bucket+prefix, behind one interface, like restic's Backend or leveldb's Env.
//
// A Store lists, reads (random access, ranged), creates, removes and renames its objects, keeps a
// `latest` pointer per prefix and a lock per prefix. Objects are created through an ObjectWriter:
// its bytes become visible under the name only at Commit() (a file is written as NAME.partial and
// renamed; an S3 object is a multipart upload completed at Commit); Abort(), or destroying an
// uncommitted writer, leaves nothing under the name. Nothing above this interface knows which
// implementation it has: a location string selects one (OpenStore, OpenObject), and paths given
// to the rest of myvault may be local paths or s3:// URLs alike.
//
// Locations: a directory path, or s3://BUCKET[/PREFIX] (objects are PREFIX/NAME). An object is
// named by the location joined with its name: "/backups/x.sql.gz", "s3://b/db/x.sql.gz".
// S3 credentials, region and endpoint come from the environment and ~/.aws as the AWS tools read
// them (src/storage/s3_config.h); no secret ever appears in a message.
//
// Errors (Status codes): kNotFound for a missing object, directory or bucket; kAuth for refused
// credentials or permission; kConnection for an endpoint that cannot be reached after retries;
// kIo for other storage failures; kInvalidArgument for a malformed location.
//
// Thread safety: a Store's methods may be called from several threads at once; an ObjectReader's
// ReadAt likewise (each call makes its own request or pread). An ObjectWriter and a StoreLock are
// owned by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::storage {

// Random-access reads of one object.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual uint64_t size() const = 0;
  // Reads up to n bytes at `offset` into *out (fewer only at the end of the object). kIo (or
  // kConnection, kAuth) on failure.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) const = 0;
  // The object's location for messages ("/backups/x.sql.gz", "s3://b/p/x.sql.gz").
  virtual const std::string& name() const = 0;
  // Each read is a network request: worth reading ahead in large blocks, in parallel.
  virtual bool remote() const { return false; }
};

// Writes one object; nothing is visible under its name before Commit().
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // Appends all of `bytes` or fails; after a failure the writer is aborted.
  virtual Status Write(std::string_view bytes) = 0;
  // Makes the object durable and visible under its name; after a failure nothing is left.
  virtual Status Commit() = 0;
  // Discards what was written (idempotent; nothing after a successful Commit).
  virtual void Abort() = 0;
};

// Builds one object by appends over a long time (an archived binlog file): the bytes appended so
// far are readable (Store::OpenAppended) and survive a crash once made durable; Seal makes them
// the object under its name. A directory appends to NAME.partial and renames it; a bucket, which
// cannot append, writes each durable batch as an object NAME.partial.NNNNNNNN (8 digits, from 1)
// and joins the batches into NAME at Seal with a multipart upload.
class AppendWriter {
 public:
  virtual ~AppendWriter() = default;
  // Appends `bytes`; with `durable`, everything appended so far survives a crash when it returns.
  // Without, the bytes may wait in memory (a bucket holds up to 8 MiB before writing a batch).
  virtual Status Append(std::string_view bytes, bool durable) = 0;
  // Makes everything appended the object NAME (durable) and removes the appendable form.
  virtual Status Seal() = 0;
};

// Held while a backup or prune works on a prefix; released when destroyed.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

struct ObjectInfo {
  std::string name;  // without the location
  uint64_t size = 0;
};

struct CreateOptions {
  bool fsync = true;  // local files: fsync the file and the directory (off only in tests)
};

class Store {
 public:
  virtual ~Store() = default;

  // "/backups" or "s3://bucket/prefix", as given.
  virtual const std::string& location() const = 0;
  // The full name of object `name`, for messages and for OpenObject.
  virtual std::string Describe(std::string_view name) const = 0;

  // Every object (regular files only, for a directory), in no particular order. kNotFound when
  // the directory or bucket does not exist.
  virtual Result<std::vector<ObjectInfo>> List() const = 0;
  // The object's size, or nullopt when it does not exist.
  virtual Result<std::optional<uint64_t>> Stat(std::string_view name) const = 0;
  virtual Result<std::unique_ptr<ObjectReader>> OpenRead(std::string_view name) const = 0;
  // Reads a small object whole (a .sha256); kNotFound when missing; kIo above `limit` bytes.
  Result<std::string> ReadSmall(std::string_view name, size_t limit = size_t{64} << 10) const;
  virtual Result<std::unique_ptr<ObjectWriter>> Create(std::string_view name,
                                                       CreateOptions options = {}) = 0;
  // Writes a small object whole through Create/Commit.
  Status WriteSmall(std::string_view name, std::string_view bytes, CreateOptions options = {});
  // Opens the appendable form of `name`, keeping its first `keep` bytes (what OpenAppended reads)
  // and removing whatever follows them; 0 starts it empty. The default writes batch objects
  // (any store); a directory appends to one file.
  virtual Result<std::unique_ptr<AppendWriter>> OpenAppend(std::string_view name, uint64_t keep);
  // The bytes appended to `name` and not yet sealed; kNotFound when there are none.
  virtual Result<std::unique_ptr<ObjectReader>> OpenAppended(std::string_view name) const;
  // Removes the appendable form of `name` (what a sealed object no longer needs).
  virtual Status RemoveAppended(std::string_view name);

  // Removes the object; a missing one is not an error.
  virtual Status Remove(std::string_view name) = 0;
  // Renames (S3: copies, then removes the original). kNotFound when `from` is missing.
  virtual Status Rename(std::string_view from, std::string_view to) = 0;

  // The `latest` pointer of `prefix` (a relative symlink P-latest.sql.gz in a directory, an
  // object P-latest holding the name in a bucket), swapped atomically: readers see the old or the
  // new target, never none.
  virtual Status PointLatest(std::string_view prefix, std::string_view name) = 0;
  virtual Result<std::optional<std::string>> ReadLatest(std::string_view prefix) const = 0;

  // Takes the lock of `prefix` without waiting. Busy: kLockTimeout naming the holder. A lock
  // left by a dead process is taken over; *took_over_pid is then its pid (0 otherwise).
  virtual Result<std::unique_ptr<StoreLock>> Lock(std::string_view prefix,
                                                  int* took_over_pid = nullptr) = 0;
  // Removes what killed writers of objects named `name_prefix`* left behind (incomplete S3
  // multipart uploads, and the NAME.sha256 of such an upload when no object NAME exists);
  // returns how many uploads. A store that keeps no such state returns 0.
  virtual Result<int> CleanupIncomplete(std::string_view name_prefix) = 0;
};

// True for "s3://...".
bool IsObjectUrl(std::string_view location);

// A store for a directory path or an s3:// URL. The directory need not exist (List and Lock
// report kNotFound); an s3:// URL must name a bucket.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

// Splits "DIR/NAME" or "s3://bucket/prefix/NAME" into the store of its location and NAME.
struct StoreAndName {
  std::unique_ptr<Store> store;
  std::string name;
};
Result<StoreAndName> OpenStoreFor(const std::string& object);

// Opens one object for reading by its full name (a path or an s3:// URL). kNotFound when missing.
Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& object);

// fsyncs the directory holding `path`, making a rename into it durable.
Status SyncDirectoryOf(const std::string& path);

// Reads an ObjectReader front to back with up to `parallel` ranged reads of `block` bytes in
// flight on background threads (memory: parallel x block). The first form sizes itself: a remote
// reader gets 4 reads of 8 MiB in flight (what makes a whole pass over an S3 object fast), a
// file 2 reads of 1 MiB.
class ReadAheadStream {
 public:
  explicit ReadAheadStream(const ObjectReader* reader);
  ReadAheadStream(const ObjectReader* reader, size_t block, int parallel);
  ~ReadAheadStream();
  ReadAheadStream(const ReadAheadStream&) = delete;
  ReadAheadStream& operator=(const ReadAheadStream&) = delete;
  // Up to n bytes; 0 at the end. An error is final.
  Result<size_t> Read(char* buffer, size_t n);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace myvault::storage
