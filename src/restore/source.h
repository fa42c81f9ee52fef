// Where a restore reads members from: an archive file through its index (random access, data
// members read and inflated by the loader threads themselves), or a stream such as stdin
// (front to back, every member decoded as it arrives, the index learned at the end).
//
// Both hand out members in file order through Next(). Every payload is checked against its
// SHA-256 before it is returned, so no damaged byte reaches the server.
//
// Thread safety: Next() from one thread; Load() from many at once (FileSource) once Next() has
// handed out the member.
#pragma once

#include <memory>
#include <string>

#include "myvault/archive/format.h"
#include "myvault/archive/reader.h"
#include "myvault/status.h"

namespace myvault::restore {

struct SourceMember {
  archive::MemberInfo info;
  uint64_t offset = 0;
  // File sources leave data payloads unread (`loaded` false) for Load() on a loader thread.
  const archive::MemberEntry* entry = nullptr;
  bool loaded = false;
  std::string payload;
};

class MemberSource {
 public:
  virtual ~MemberSource() = default;
  // The next member in file order; false after the last member before the index (file) or at
  // the end of the stream (after the index and trailer, which update index()).
  virtual Result<bool> Next(SourceMember* member) = 0;
  // Makes member->payload hold the checked payload.
  virtual Status Load(SourceMember* member) const = 0;
  // The archive's index: from the start for a file, after Next() returned false for a stream.
  virtual const archive::Index* index() const = 0;
  // "archive /b/x.sql.gz" or "the archive on stdin", for messages.
  virtual std::string name() const = 0;
  // An object read off a schema member, to name the stream's members in errors (file sources
  // have the index).
  virtual void Learn(const archive::ObjectEntry& object) { (void)object; }
};

// Opens `path` ("-": stdin) as a member source; `identity` (must outlive the source) opens an
// encrypted archive. The keys member is never handed out: the first member is the header.
Result<std::unique_ptr<MemberSource>> OpenSource(const std::string& path,
                                                 const archive::Identity* identity);

}  // namespace myvault::restore
