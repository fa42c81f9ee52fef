// `myvault restore --list`: what an archive holds, from its index alone.
#include <algorithm>
#include <cstdio>
#include <map>

#include "myvault/archive/contents.h"
#include "myvault/archive/reader.h"
#include "myvault/common/progress.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/text.h"

namespace myvault::restore {
namespace {

std::string Human(uint64_t bytes) {
  return ProgressReporter::HumanBytes(static_cast<double>(bytes));
}

}  // namespace

Result<std::string> ListArchive(const std::string& path, const archive::Identity* identity) {
  ASSIGN_OR_RETURN(auto reader, archive::ArchiveReader::Open(path, identity));
  const archive::Index& index = reader->index();
  const archive::ArchiveContents contents = archive::ReadContentsMetadata(index.metadata);
  std::map<uint32_t, uint64_t> bytes, chunks;
  uint64_t total_bytes = 0, total_rows = 0;
  for (const auto& m : index.members) {
    if (m.info.kind != archive::MemberKind::kData) continue;
    bytes[m.info.object_id] += m.info.raw_size;
    ++chunks[m.info.object_id];
    total_bytes += m.info.raw_size;
    total_rows += m.info.rows;
  }
  std::string out = "archive " + path + " (" + Human(reader->file_size()) + ")\n";
  for (const auto& [key, value] : index.metadata) {
    if (!value.empty()) out.append("  ").append(key).append(": ").append(value).append("\n");
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %-48s %14s %10s %8s\n", "kind", "name", "rows", "SQL",
                "chunks");
  out += line;
  std::map<std::string, uint64_t> other;  // views, triggers, ... counted per database
  std::string accounts;
  size_t account_count = 0;
  for (const auto& o : index.objects) {
    if (o.kind == "user" || o.kind == "role") {
      accounts.append(accounts.empty() ? "" : ", ").append(o.kind == "role" ? "role " : "");
      accounts += o.name;
      ++account_count;
      continue;
    }
    if (o.kind != "database" && o.kind != "table" && o.kind != "sequence") {
      ++other[o.schema + "\t" + o.kind];
      continue;
    }
    const std::string name = o.kind == "database" ? sql::QuoteIdentifier(o.schema)
                                                  : sql::QualifiedName(o.schema, o.name);
    if (o.kind == "database") {
      std::snprintf(line, sizeof line, "%-10s %s (%s)\n", "database", name.c_str(),
                    std::string(archive::DatabaseContentsName(contents.Of(o.schema))).c_str());
    } else {
      std::snprintf(line, sizeof line, "%-10s %-48s %14llu %10s %8llu\n", o.kind.c_str(),
                    name.c_str(), static_cast<unsigned long long>(o.rows),
                    Human(bytes[o.id]).c_str(), static_cast<unsigned long long>(chunks[o.id]));
    }
    out += line;
  }
  for (const auto& [key, n] : other) {
    const size_t tab = key.find('\t');
    std::snprintf(line, sizeof line, "%-10s %-48s %14llu\n", key.substr(tab + 1).c_str(),
                  sql::QuoteIdentifier(key.substr(0, tab)).c_str(),
                  static_cast<unsigned long long>(n));
    out += line;
  }
  if (account_count > 0) {
    out += "accounts: " + std::to_string(account_count) +
           " (restored only with --users): " + accounts + "\n";
  }
  std::snprintf(line, sizeof line, "total: %llu rows, %s of SQL in %zu chunks\n",
                static_cast<unsigned long long>(total_rows), Human(total_bytes).c_str(),
                static_cast<size_t>(std::count_if(
                    index.members.begin(), index.members.end(), [](const archive::MemberEntry& m) {
                      return m.info.kind == archive::MemberKind::kData;
                    })));
  out += line;
  return out;
}

}  // namespace myvault::restore
