// Parsing the embedded index of an archive from its bytes, following docs/format.md section 5.
#include "archive_index.h"

#include <libdeflate.h>

#include <memory>
#include <sstream>

#include "gzip_members.h"

namespace myvault::it {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A percent-encoded string field: "%" alone is the empty string, "%XX" one byte.
Result<std::string> Unpercent(std::string_view field) {
  if (field == "%") return std::string();
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '%') {
      out += field[i];
      continue;
    }
    const bool complete = i + 2 < field.size();
    const int hi = complete ? HexDigit(field[i + 1]) : -1;
    const int lo = complete ? HexDigit(field[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Corrupt("index: bad percent escape in " + std::string(field));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<uint64_t> Decimal(std::string_view field) {
  if (field.empty() || field.size() > 20) return Corrupt("index: bad number " + std::string(field));
  uint64_t n = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return Corrupt("index: bad number " + std::string(field));
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t space = line.find(' ', pos);
    if (space == std::string_view::npos) space = line.size();
    fields.push_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  return fields;
}

Result<std::string> InflateMember(std::string_view archive, const GzipMember& m) {
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  std::string text(m.uncompressed_size, '\0');
  size_t out_used = 0;
  if (libdeflate_gzip_decompress(d.get(), archive.data() + m.offset, m.size, text.data(),
                                 text.size(), &out_used) != LIBDEFLATE_SUCCESS) {
    return Corrupt("index member at offset " + std::to_string(m.offset) + " does not inflate");
  }
  text.resize(out_used);
  return text;
}

Status ParseLine(std::string_view line, ArchiveIndex* index) {
  const std::vector<std::string_view> f = Fields(line);
  if (f.size() == 4 && f[1] == "meta") {
    ASSIGN_OR_RETURN(std::string key, Unpercent(f[2]));
    ASSIGN_OR_RETURN(std::string value, Unpercent(f[3]));
    index->meta.emplace_back(std::move(key), std::move(value));
  } else if (f.size() == 7 && f[1] == "object") {
    IndexObject o;
    ASSIGN_OR_RETURN(uint64_t id, Decimal(f[2]));
    o.id = static_cast<uint32_t>(id);
    ASSIGN_OR_RETURN(o.kind, Unpercent(f[3]));
    ASSIGN_OR_RETURN(o.schema, Unpercent(f[4]));
    ASSIGN_OR_RETURN(o.name, Unpercent(f[5]));
    ASSIGN_OR_RETURN(o.rows, Decimal(f[6]));
    index->objects.push_back(std::move(o));
  } else if (f.size() == 10 && f[1] == "member") {
    IndexMember m;
    ASSIGN_OR_RETURN(m.offset, Decimal(f[2]));
    ASSIGN_OR_RETURN(m.size, Decimal(f[3]));
    m.kind = std::string(f[4]);
    if (f[5] != "none") {
      ASSIGN_OR_RETURN(uint64_t object, Decimal(f[5]));
      m.object = static_cast<uint32_t>(object);
    }
    ASSIGN_OR_RETURN(m.chunk, Decimal(f[6]));
    ASSIGN_OR_RETURN(m.rows, Decimal(f[7]));
    ASSIGN_OR_RETURN(m.raw_size, Decimal(f[8]));
    m.sha256 = std::string(f[9]);
    index->members.push_back(std::move(m));
  } else if (line != "-- end" && line != "-- myvault-index 1") {
    return Corrupt("index: unexpected line: " + std::string(line.substr(0, 200)));
  }
  return Status::Ok();
}

}  // namespace

std::string ArchiveIndex::Meta(std::string_view key) const {
  for (const auto& [k, v] : meta) {
    if (k == key) return v;
  }
  return "";
}

const IndexObject* ArchiveIndex::FindObject(std::string_view kind, std::string_view schema,
                                            std::string_view name) const {
  for (const IndexObject& o : objects) {
    if (o.kind == kind && o.schema == schema && o.name == name) return &o;
  }
  return nullptr;
}

std::vector<IndexMember> ArchiveIndex::DataMembers(uint32_t id) const {
  std::vector<IndexMember> found;
  for (const IndexMember& m : members) {
    if (m.kind == "data" && m.object == id) found.push_back(m);
  }
  return found;
}

Result<ArchiveIndex> ReadArchiveIndex(std::string_view archive) {
  size_t end = 0;
  const std::vector<GzipMember> members = GzipMembers(archive, &end);
  if (end != archive.size() || members.size() < 2) {
    return Corrupt("not a sequence of gzip members ending with index and trailer");
  }
  ASSIGN_OR_RETURN(std::string text, InflateMember(archive, members[members.size() - 2]));
  if (text.rfind("-- myvault-index 1\n", 0) != 0) return Corrupt("no index before the trailer");
  ArchiveIndex index;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) RETURN_IF_ERROR(ParseLine(line, &index));
  return index;
}

}  // namespace myvault::it
