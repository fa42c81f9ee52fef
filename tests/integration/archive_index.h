// Reading an archive's embedded index (docs/format.md section 5) without the project's reader, so
// that restore tests can name tables, chunks and snapshot metadata from the spec alone: which
// member holds chunk N of table `db`.`t` (to damage exactly it), how many rows each table has,
// where the snapshot was taken.
//
// The index member is found by walking the gzip members (gzip_members.h): it is the one before
// the trailer. Its text is parsed line by line, percent-decoding the string fields.
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/status.h"

namespace myvault::it {

struct IndexObject {
  uint32_t id = 0;
  std::string kind;  // "database", "table", "view", "sequence", ...
  std::string schema;
  std::string name;
  uint64_t rows = 0;
};

struct IndexMember {
  uint64_t offset = 0;
  uint64_t size = 0;
  std::string kind;                // "header", "schema", "data", "post", "footer"
  std::optional<uint32_t> object;  // nullopt for "none"
  uint64_t chunk = 0;
  uint64_t rows = 0;
  uint64_t raw_size = 0;
  std::string sha256;
};

struct ArchiveIndex {
  std::vector<std::pair<std::string, std::string>> meta;
  std::vector<IndexObject> objects;
  std::vector<IndexMember> members;

  // The first value of meta `key`, or "" when absent.
  std::string Meta(std::string_view key) const;
  // The object of `kind` named `schema`.`name`, or nullptr.
  const IndexObject* FindObject(std::string_view kind, std::string_view schema,
                                std::string_view name) const;
  // The data members of object `id`, in file order.
  std::vector<IndexMember> DataMembers(uint32_t id) const;
};

// Parses the index of the archive whose bytes are `archive`. Fails (kCorrupt) when the members
// cannot be walked or the index text does not follow section 5.
Result<ArchiveIndex> ReadArchiveIndex(std::string_view archive);

}  // namespace myvault::it
