// What an archive holds of each database: all of it, part of it, or nothing although it was asked
// for. `myvault dump` records it in the index metadata (and so in the header's comment lines);
// restore reads it to decide whether a database may be dropped and replaced as a whole, and the
// backup directory's commands read it to tell a full backup from a partial one.
//
// The metadata keys (docs/format.md section 10): `contents` (`full` or `partial`), then one
// `database_complete`, `database_partial` or `database_excluded` entry per database, whose value
// is the database name. A database is complete when every table, view, trigger, routine and event
// it had at the snapshot is in the archive; partial when a selection (--tables, --exclude-tables)
// left something of it out; excluded when it was left out entirely against the selection (a
// restore was loading it). Archives written before these keys existed record nothing: such an
// archive's contents are unknown, and a reader must treat its databases as possibly partial.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace myvault::archive {

enum class DatabaseContents { kComplete, kPartial, kExcluded, kUnknown };

struct ArchiveContents {
  bool recorded = false;  // the archive says; false for archives made before these keys
  std::set<std::string> complete, partial, excluded;

  // Every database the archive was asked to hold is complete.
  bool full() const { return recorded && partial.empty() && excluded.empty(); }
  DatabaseContents Of(const std::string& database) const;
};

// Appends the keys above to `metadata` (contents first, then databases in name order).
void AppendContentsMetadata(const ArchiveContents& contents,
                            std::vector<std::pair<std::string, std::string>>* metadata);

// Reads the keys back; recorded is false when `contents` is absent.
ArchiveContents ReadContentsMetadata(
    const std::vector<std::pair<std::string, std::string>>& metadata);

// "complete", "partial", "excluded", "unknown".
std::string_view DatabaseContentsName(DatabaseContents contents);

}  // namespace myvault::archive
