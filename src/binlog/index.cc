// The binlog archive's names and its index file (the pure half of myvault/binlog/files.h).
#include <charconv>

#include "myvault/binlog/files.h"

namespace myvault::binlog {
namespace {

constexpr std::string_view kIndexMagic = "myvault-binlog-index 1";

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t tab = line.find('\t');
    out.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) return out;
    line.remove_prefix(tab + 1);
  }
}

template <typename T>
bool ParseNumber(std::string_view s, T* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::string Field(std::string_view s) {
  std::string out = s.empty() ? "-" : std::string(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}
std::string Unfield(std::string_view s) { return s == "-" ? "" : std::string(s); }

}  // namespace

Status ValidateServerFileName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 128 && name.front() != '.';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) return InvalidArgument("'" + std::string(name) + "' is not a binlog file name");
  return Status::Ok();
}

std::string ArchivedName(std::string_view prefix, std::string_view server_file) {
  return std::string(prefix) + "-binlog-" + std::string(server_file) + ".gz";
}

std::string IndexName(std::string_view prefix) { return std::string(prefix) + "-binlog.index"; }

std::optional<std::string> ServerFileOf(std::string_view prefix, std::string_view name) {
  const std::string head = std::string(prefix) + "-binlog-";
  if (name.size() <= head.size() + 3 || name.substr(0, head.size()) != head ||
      name.substr(name.size() - 3) != ".gz") {
    return std::nullopt;
  }
  std::string file(name.substr(head.size(), name.size() - head.size() - 3));
  if (!ValidateServerFileName(file).ok()) return std::nullopt;
  return file;
}

std::optional<uint64_t> FileSequence(std::string_view server_file) {
  const size_t dot = server_file.rfind('.');
  uint64_t n = 0;
  if (dot == std::string_view::npos || !ParseNumber(server_file.substr(dot + 1), &n)) {
    return std::nullopt;
  }
  return n;
}

const FileRecord* BinlogIndex::Find(std::string_view file) const {
  for (const FileRecord& r : files) {
    if (r.file == file) return &r;
  }
  return nullptr;
}

FileRecord* BinlogIndex::Find(std::string_view file) {
  return const_cast<FileRecord*>(static_cast<const BinlogIndex*>(this)->Find(file));
}

// Line format (tab-separated): "synced\tUNIX" once, then per file:
// file NAME STATE END COMMITTED FIRST_TIME LAST_TIME FIRST_GTID LAST_GTID LAST_GTID_TIME GAP
std::string EncodeIndex(const BinlogIndex& index) {
  std::string out = std::string(kIndexMagic) + "\n";
  out += "synced\t" + std::to_string(index.synced_at) + "\n";
  for (const FileRecord& r : index.files) {
    out += "file\t" + r.file + "\t" + (r.complete ? "complete" : "partial") + "\t" +
           std::to_string(r.end) + "\t" + std::to_string(r.committed) + "\t" +
           std::to_string(r.first_time) + "\t" + std::to_string(r.last_time) + "\t" +
           Field(r.first_gtid) + "\t" + Field(r.last_gtid) + "\t" +
           std::to_string(r.last_gtid_time) + "\t" + Field(r.gap_before) + "\n";
  }
  return out;
}

Result<BinlogIndex> DecodeIndex(std::string_view text) {
  BinlogIndex index;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    ++line_no;
    const auto bad = [&] { return Corrupt("binlog index line " + std::to_string(line_no)); };
    if (line_no == 1) {
      if (line != kIndexMagic) return bad();
      continue;
    }
    const std::vector<std::string_view> f = SplitTabs(line);
    if (f[0] == "synced" && f.size() == 2) {
      if (!ParseNumber(f[1], &index.synced_at)) return bad();
      continue;
    }
    if (f[0] != "file" || f.size() != 11 || !ValidateServerFileName(f[1]).ok()) return bad();
    FileRecord r;
    r.file = std::string(f[1]);
    if (f[2] != "complete" && f[2] != "partial") return bad();
    r.complete = f[2] == "complete";
    if (!ParseNumber(f[3], &r.end) || !ParseNumber(f[4], &r.committed) ||
        !ParseNumber(f[5], &r.first_time) || !ParseNumber(f[6], &r.last_time) ||
        !ParseNumber(f[9], &r.last_gtid_time)) {
      return bad();
    }
    r.first_gtid = Unfield(f[7]);
    r.last_gtid = Unfield(f[8]);
    r.gap_before = Unfield(f[10]);
    index.files.push_back(std::move(r));
  }
  if (line_no == 0) return Corrupt("binlog index is empty");
  return index;
}

}  // namespace myvault::binlog
