// The binlog archive in a backup directory or bucket: the files and their index. The one module
// that reads and writes archived binlogs, through the storage interface (myvault/storage/store.h),
// so that the archive lives wherever the backups do.
//
// Per prefix P and server binlog file B (e.g. "binlog.000042") the store holds:
//   P-binlog-B.gz.partial   the file being archived: gzip members appended as events arrive (in a
//                           bucket: P-binlog-B.gz.partial.NNNNNNNN, one object per sync, whose
//                           concatenation is the same bytes; Store::OpenAppend)
//   P-binlog-B.gz           once the server rotated past B: sealed from the partial, complete
//   P-binlog-B.gz.sha256    its checksum (sha256sum -c format, the base name), written then
//   P-binlog.index          one record per archived file (BinlogIndex), replaced atomically
// `zcat P-binlog-B.gz` gives the server's file B byte for byte from offset 0 (the magic
// included), so its positions are the server's. Every member holds whole events; a member torn
// by a crash is cut off by RecoverPartial, and the archiver asks the server for the rest again.
// The layout is specified in docs/format.md ("Binary log archive").
//
// Thread safety: free functions over a Store (itself thread-safe); a PartialWriter belongs to one
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"
#include "myvault/storage/store.h"

namespace myvault::binlog {

// InvalidArgument unless `name` looks like a server binlog file (1..128 of [A-Za-z0-9._-], not
// starting with '.').
Status ValidateServerFileName(std::string_view name);
std::string ArchivedName(std::string_view prefix, std::string_view server_file);  // P-binlog-B.gz
std::string IndexName(std::string_view prefix);                                   // P-binlog.index
// The server file of an ArchivedName (complete, no .partial) of `prefix`; nullopt otherwise.
std::optional<std::string> ServerFileOf(std::string_view prefix, std::string_view archived_name);
// The numeric extension of a binlog name ("binlog.000042" -> 42); nullopt without one.
std::optional<uint64_t> FileSequence(std::string_view server_file);

// What the archive holds of one server binlog file.
struct FileRecord {
  std::string file;         // the server's name
  bool complete = false;    // the server rotated past it; P-binlog-B.gz and .sha256 exist
  uint64_t end = 0;         // bytes archived (the file's size once complete)
  uint64_t committed = 0;   // offset after the last complete transaction archived
  uint32_t first_time = 0;  // first/last event timestamps (UTC seconds; 0: none)
  uint32_t last_time = 0;
  std::string first_gtid;  // first GTID in the file, "" for none
  std::string last_gtid;   // last transaction completed in it, "" for none
  uint32_t last_gtid_time = 0;
  std::string gap_before;  // "" or why the events before this file are missing
};

struct BinlogIndex {
  std::vector<FileRecord> files;  // in server order
  // Unix time up to which every transaction the server committed is archived: the time of a
  // heartbeat or sync that found nothing more to fetch, or, while more streams in, the newest
  // archived transaction's time. The lag `status` reports is now minus it.
  int64_t synced_at = 0;
  const FileRecord* Find(std::string_view file) const;
  FileRecord* Find(std::string_view file);
};
std::string EncodeIndex(const BinlogIndex& index);
// Corrupt naming the line for anything EncodeIndex does not write.
Result<BinlogIndex> DecodeIndex(std::string_view text);
// An absent index is an empty one.
Result<BinlogIndex> ReadIndex(const storage::Store& store, std::string_view prefix);
Status WriteIndex(storage::Store& store, std::string_view prefix, const BinlogIndex& index);

// Appends gzip members to the partial of P-binlog-B.gz (mode 0600 in a directory).
class PartialWriter {
 public:
  // Opens the partial for appending (created if absent). `size` must be the compressed size that
  // RecoverPartial kept (0 for a new file): anything after it is cut off. `store` must outlive it.
  static Result<std::unique_ptr<PartialWriter>> Open(storage::Store& store, std::string_view prefix,
                                                     std::string_view server_file, uint64_t size);
  // Writes `events` (whole events) as one gzip member; with `sync`, makes the partial durable.
  Status Append(std::string_view events, bool sync);
  // Seals the partial as P-binlog-B.gz, then writes its .sha256.
  Status Complete();

 private:
  PartialWriter(storage::Store& store, std::string_view prefix, std::string_view server_file,
                std::unique_ptr<storage::AppendWriter> w)
      : store_(store), prefix_(prefix), file_(server_file), writer_(std::move(w)) {}
  storage::Store& store_;
  std::string prefix_, file_;
  std::unique_ptr<storage::AppendWriter> writer_;
};

// Reads the gzip members of the partial of B, hands each member's bytes to `use` in order, and
// cuts off a torn or damaged tail (one that does not inflate, or whose CRC fails). Returns the
// compressed size kept; 0 and nothing handed over when there is no partial.
Result<uint64_t> RecoverPartial(const storage::Store& store, std::string_view prefix,
                                std::string_view server_file,
                                const std::function<Status(std::string_view)>& use);

// Inflates an archived file (complete, or the partial when `partial`) and hands its bytes to
// `use` member by member. kCorrupt naming the file for a damaged member; kNotFound when absent.
Status ReadArchived(const storage::Store& store, std::string_view prefix,
                    std::string_view server_file, bool partial,
                    const std::function<Status(std::string_view)>& use);
// Writes P-binlog-B.gz.sha256 from the complete P-binlog-B.gz (read back from the store).
Status WriteArchivedSha256(storage::Store& store, std::string_view prefix,
                           std::string_view server_file);
// Checks the .sha256 of a complete archived file: kCorrupt on a mismatch or a missing .sha256.
Status CheckArchivedSha256(const storage::Store& store, std::string_view prefix,
                           std::string_view server_file);
// Whether the complete P-binlog-B.gz exists.
Result<bool> ArchivedExists(const storage::Store& store, std::string_view prefix,
                            std::string_view server_file);
// Removes P-binlog-B.gz.sha256 then P-binlog-B.gz (absent ones are fine).
Status RemoveArchived(storage::Store& store, std::string_view prefix, std::string_view server_file);

}  // namespace myvault::binlog
