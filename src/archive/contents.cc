#include "myvault/archive/contents.h"

namespace myvault::archive {
namespace {

constexpr std::string_view kContentsKey = "contents";
constexpr std::string_view kCompleteKey = "database_complete";
constexpr std::string_view kPartialKey = "database_partial";
constexpr std::string_view kExcludedKey = "database_excluded";

}  // namespace

DatabaseContents ArchiveContents::Of(const std::string& database) const {
  if (!recorded) return DatabaseContents::kUnknown;
  if (complete.count(database) > 0) return DatabaseContents::kComplete;
  if (partial.count(database) > 0) return DatabaseContents::kPartial;
  if (excluded.count(database) > 0) return DatabaseContents::kExcluded;
  return DatabaseContents::kUnknown;
}

void AppendContentsMetadata(const ArchiveContents& contents,
                            std::vector<std::pair<std::string, std::string>>* metadata) {
  metadata->emplace_back(
      kContentsKey, contents.partial.empty() && contents.excluded.empty() ? "full" : "partial");
  for (const auto& d : contents.complete) metadata->emplace_back(kCompleteKey, d);
  for (const auto& d : contents.partial) metadata->emplace_back(kPartialKey, d);
  for (const auto& d : contents.excluded) metadata->emplace_back(kExcludedKey, d);
}

ArchiveContents ReadContentsMetadata(
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  ArchiveContents out;
  for (const auto& [key, value] : metadata) {
    if (key == kContentsKey) {
      out.recorded = true;
    } else if (key == kCompleteKey) {
      out.complete.insert(value);
    } else if (key == kPartialKey) {
      out.partial.insert(value);
    } else if (key == kExcludedKey) {
      out.excluded.insert(value);
    }
  }
  if (!out.recorded) return ArchiveContents{};
  return out;
}

std::string_view DatabaseContentsName(DatabaseContents contents) {
  switch (contents) {
    case DatabaseContents::kComplete: return "complete";
    case DatabaseContents::kPartial: return "partial";
    case DatabaseContents::kExcluded: return "excluded";
    case DatabaseContents::kUnknown: break;
  }
  return "unknown";
}

}  // namespace myvault::archive
