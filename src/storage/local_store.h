// The Store of a local directory (private to storage).
//
// Objects are regular files. A writer writes NAME.partial (mode 0600), and Commit syncs it,
// renames it over NAME and syncs the directory. The lock is an flock(2) on .P.lock, which the
// kernel releases when its holder dies however it dies; the file also holds the holder's pid and
// start time for the error message. The latest pointer is a relative symlink P-latest.sql.gz.
#pragma once

#include <memory>
#include <string>

#include "myvault/storage/store.h"

namespace myvault::storage {

std::unique_ptr<Store> NewLocalStore(const std::string& dir);

// The file-system reader of `path` (follows symlinks). kNotFound when missing.
Result<std::unique_ptr<ObjectReader>> OpenLocalFile(const std::string& path);

}  // namespace myvault::storage
