#include "myvault/archive/format.h"

#include <set>
#include <unordered_map>

namespace myvault::archive {
namespace {

// `a``b`: an identifier quoted the way MySQL quotes it.
std::string Quote(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

std::string QualifiedName(const ObjectEntry& object) {
  std::string kind = object.kind.empty() ? "object" : object.kind;
  if (!object.schema.empty() && !object.name.empty()) {
    return kind + " " + Quote(object.schema) + "." + Quote(object.name);
  }
  return kind + " " + Quote(object.name.empty() ? object.schema : object.name);
}

std::string ObjectIdText(uint32_t id) { return id == kNoObject ? "none" : std::to_string(id); }

}  // namespace

std::string_view MemberKindName(MemberKind kind) {
  switch (kind) {
    case MemberKind::kHeader: return "header";
    case MemberKind::kSchema: return "schema";
    case MemberKind::kData: return "data";
    case MemberKind::kPost: return "post";
    case MemberKind::kFooter: return "footer";
    case MemberKind::kIndex: return "index";
    case MemberKind::kTrailer: return "trailer";
    case MemberKind::kKeys: return "keys";
  }
  return "unknown";
}

bool IsValidMemberKind(uint8_t kind) {
  return kind >= static_cast<uint8_t>(MemberKind::kHeader) &&
         kind <= static_cast<uint8_t>(MemberKind::kKeys);
}

const ObjectEntry* Index::FindObject(uint32_t id) const {
  for (const ObjectEntry& object : objects) {
    if (object.id == id) return &object;
  }
  return nullptr;
}

std::string Index::Describe(const MemberInfo& info) const {
  const ObjectEntry* object = info.object_id == kNoObject ? nullptr : FindObject(info.object_id);
  std::string chunk = std::to_string(info.chunk);
  if (info.kind == MemberKind::kData) {
    if (object != nullptr) return QualifiedName(*object) + " chunk " + chunk;
    return "data member of object " + ObjectIdText(info.object_id) + " chunk " + chunk;
  }
  std::string out = std::string(MemberKindName(info.kind)) + " member " + chunk;
  if (object != nullptr) {
    out += " of " + QualifiedName(*object);
  } else if (info.object_id != kNoObject) {
    out += " of object " + ObjectIdText(info.object_id);
  }
  return out;
}

std::string Index::Describe(const MemberInfo& info, uint64_t offset) const {
  return Describe(info) + " (member at offset " + std::to_string(offset) + ")";
}

Status OrderCheck::Add(MemberKind kind) {
  const int k = static_cast<int>(kind);
  const bool repeatable =
      kind == MemberKind::kSchema || kind == MemberKind::kData || kind == MemberKind::kPost;
  std::string_view problem;
  if (kind == MemberKind::kKeys) {
    if (last_ == 0 && !keys_) {
      keys_ = true;
      return Status::Ok();
    }
    problem = "the keys member must be the first";
  } else if (last_ == 0 && kind != MemberKind::kHeader) {
    problem = "the first member must be the header";
  } else if (complete()) {
    problem = "nothing may follow the trailer";
  } else if (k < last_ || (k == last_ && !repeatable)) {
    problem =
        "member kinds must follow the write order header, schema, data, post, footer, "
        "index, trailer";
  } else if (kind == MemberKind::kIndex && last_ != static_cast<int>(MemberKind::kFooter)) {
    problem = "the index must follow the footer";
  } else if (kind == MemberKind::kTrailer && last_ != static_cast<int>(MemberKind::kIndex)) {
    problem = "the trailer must follow the index";
  }
  if (!problem.empty()) {
    return Corrupt(std::string(MemberKindName(kind)) +
                   " member out of order: " + std::string(problem));
  }
  last_ = k;
  return Status::Ok();
}

Status ValidateIndex(const Index& index) {
  std::unordered_map<uint32_t, size_t> position;  // object id -> index in objects
  for (size_t i = 0; i < index.objects.size(); ++i) {
    uint32_t id = index.objects[i].id;
    if (id == kNoObject) return Corrupt("index: object id " + std::to_string(id) + " is reserved");
    if (!position.emplace(id, i).second) {
      return Corrupt("index: object id " + std::to_string(id) + " is listed twice");
    }
  }
  std::vector<uint64_t> sums(index.objects.size(), 0);
  std::set<std::pair<uint32_t, uint32_t>> chunks;
  OrderCheck order;
  uint64_t expected_offset = 0;
  for (const MemberEntry& m : index.members) {
    const std::string where = "index: " + index.Describe(m.info, m.offset);
    if (m.offset != expected_offset) {
      return Corrupt(where + ": expected offset " + std::to_string(expected_offset));
    }
    if (m.info.kind == MemberKind::kIndex || m.info.kind == MemberKind::kTrailer) {
      return Corrupt(where + ": the index lists only the members before it");
    }
    RETURN_IF_ERROR(order.Add(m.info.kind).WithContext(where));
    expected_offset += m.size;
    if (m.info.kind != MemberKind::kData) continue;
    auto it = position.find(m.info.object_id);
    if (it == position.end()) return Corrupt(where + ": the index lists no such object");
    if (!chunks.emplace(m.info.object_id, m.info.chunk).second) {
      return Corrupt(where + ": this chunk is listed twice");
    }
    sums[it->second] += m.info.rows;
  }
  if (!order.footer_seen()) return Corrupt("index: the footer member is missing");
  for (size_t i = 0; i < index.objects.size(); ++i) {
    const ObjectEntry& object = index.objects[i];
    if (sums[i] != object.rows) {
      return Corrupt("index: " + QualifiedName(object) + " has " + std::to_string(object.rows) +
                     " rows but its data members hold " + std::to_string(sums[i]));
    }
  }
  return Status::Ok();
}

std::string Sha256Hex(const std::array<uint8_t, 32>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace myvault::archive
