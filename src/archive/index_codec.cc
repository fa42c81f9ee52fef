// The index text of docs/format.md section 5: percent-encoded fields on "-- " comment lines.
#include <charconv>

#include "myvault/archive/format.h"

namespace myvault::archive {
namespace {

constexpr std::string_view kFirstLine = "-- myvault-index 1";
constexpr std::string_view kEndLine = "-- end";
constexpr std::string_view kLinePrefix = "-- ";
constexpr std::string_view kEmptyField = "%";

bool MustEscape(uint8_t b) { return b <= 0x20 || b == '%' || b == '\\' || b >= 0x7F; }

void AppendField(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back(' ');
  if (value.empty()) {
    out->append(kEmptyField);
    return;
  }
  for (char c : value) {
    auto b = static_cast<uint8_t>(c);
    if (MustEscape(b)) {
      out->push_back('%');
      out->push_back(kHex[b >> 4]);
      out->push_back(kHex[b & 0xF]);
    } else {
      out->push_back(c);
    }
  }
}

void AppendNumber(std::string* out, uint64_t value) {
  out->push_back(' ');
  out->append(std::to_string(value));
}

void AppendMemberLine(std::string* out, const MemberEntry& m) {
  out->append("-- member");
  AppendNumber(out, m.offset);
  AppendNumber(out, m.size);
  out->push_back(' ');
  out->append(MemberKindName(m.info.kind));
  out->push_back(' ');
  out->append(m.info.object_id == kNoObject ? "none" : std::to_string(m.info.object_id));
  AppendNumber(out, m.info.chunk);
  AppendNumber(out, m.info.rows);
  AppendNumber(out, m.info.raw_size);
  out->push_back(' ');
  out->append(Sha256Hex(m.info.sha256));
  out->push_back('\n');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one line's fields; every error names the line.
class LineParser {
 public:
  LineParser(std::string_view line, size_t number) : rest_(line), number_(number) {}

  Status Error(std::string_view what) const {
    return Corrupt("index line " + std::to_string(number_) + ": " + std::string(what));
  }

  Result<std::string_view> Word() {
    if (rest_.empty()) return Error("missing field");
    size_t space = rest_.find(' ');
    std::string_view word = rest_.substr(0, space);
    rest_ = space == std::string_view::npos ? std::string_view() : rest_.substr(space + 1);
    if (word.empty()) return Error("empty field");
    return word;
  }

  Result<std::string> Text() {
    ASSIGN_OR_RETURN(std::string_view word, Word());
    if (word == kEmptyField) return std::string();
    std::string out;
    for (size_t i = 0; i < word.size(); ++i) {
      auto b = static_cast<uint8_t>(word[i]);
      if (b != '%') {
        if (MustEscape(b)) return Error("unescaped byte in a field");
        out.push_back(word[i]);
        continue;
      }
      int hi = i + 2 < word.size() ? HexValue(word[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(word[i + 2]) : -1;
      if (lo < 0) return Error("bad percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }

  Result<uint64_t> Number(uint64_t max = UINT64_MAX) {
    ASSIGN_OR_RETURN(std::string_view word, Word());
    return ParseNumber(word, max);
  }

  Result<uint32_t> ObjectId() {
    ASSIGN_OR_RETURN(std::string_view word, Word());
    if (word == "none") return kNoObject;
    ASSIGN_OR_RETURN(uint64_t id, ParseNumber(word, kNoObject - 1));
    return static_cast<uint32_t>(id);
  }

  Result<MemberKind> Kind() {
    ASSIGN_OR_RETURN(std::string_view word, Word());
    for (uint8_t k = 1; IsValidMemberKind(k); ++k) {
      if (MemberKindName(static_cast<MemberKind>(k)) == word) return static_cast<MemberKind>(k);
    }
    return Error("unknown member kind '" + std::string(word) + "'");
  }

  Result<std::array<uint8_t, 32>> Digest() {
    ASSIGN_OR_RETURN(std::string_view word, Word());
    std::array<uint8_t, 32> digest{};
    if (word.size() != 64) return Error("bad sha256");
    for (size_t i = 0; i < 32; ++i) {
      int hi = HexValue(word[2 * i]);
      int lo = HexValue(word[2 * i + 1]);
      if (hi < 0 || lo < 0) return Error("bad sha256");
      digest[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return digest;
  }

  Status End() const { return rest_.empty() ? Status::Ok() : Error("unexpected extra fields"); }

 private:
  Result<uint64_t> ParseNumber(std::string_view word, uint64_t max) const {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    bool canonical = word.size() == 1 || word[0] != '0';
    if (ec != std::errc() || end != word.data() + word.size() || !canonical || value > max) {
      return Error("bad number '" + std::string(word) + "'");
    }
    return value;
  }

  std::string_view rest_;
  size_t number_;
};

Status ParseMemberLine(LineParser* p, Index* index) {
  MemberEntry m{};
  ASSIGN_OR_RETURN(m.offset, p->Number());
  ASSIGN_OR_RETURN(m.size, p->Number());
  ASSIGN_OR_RETURN(m.info.kind, p->Kind());
  ASSIGN_OR_RETURN(m.info.object_id, p->ObjectId());
  ASSIGN_OR_RETURN(m.info.chunk, p->Number(UINT32_MAX));
  ASSIGN_OR_RETURN(m.info.rows, p->Number());
  ASSIGN_OR_RETURN(m.info.raw_size, p->Number());
  ASSIGN_OR_RETURN(m.info.sha256, p->Digest());
  index->members.push_back(m);
  return p->End();
}

Status ParseLine(std::string_view line, size_t number, Index* index) {
  LineParser p(line, number);
  if (line.substr(0, kLinePrefix.size()) != kLinePrefix) return p.Error("not a comment line");
  p = LineParser(line.substr(kLinePrefix.size()), number);
  ASSIGN_OR_RETURN(std::string_view tag, p.Word());
  if (tag == "meta") {
    ASSIGN_OR_RETURN(std::string key, p.Text());
    ASSIGN_OR_RETURN(std::string value, p.Text());
    index->metadata.emplace_back(std::move(key), std::move(value));
  } else if (tag == "object") {
    ObjectEntry o{};
    ASSIGN_OR_RETURN(o.id, p.ObjectId());
    if (o.id == kNoObject) return p.Error("an object needs an id");
    ASSIGN_OR_RETURN(o.kind, p.Text());
    ASSIGN_OR_RETURN(o.schema, p.Text());
    ASSIGN_OR_RETURN(o.name, p.Text());
    ASSIGN_OR_RETURN(o.rows, p.Number());
    index->objects.push_back(std::move(o));
  } else if (tag == "member") {
    return ParseMemberLine(&p, index);
  } else {
    return p.Error("unknown line '" + std::string(tag) + "'");
  }
  return p.End();
}

}  // namespace

std::string EncodeIndex(const Index& index) {
  std::string out(kFirstLine);
  out.push_back('\n');
  for (const auto& [key, value] : index.metadata) {
    out.append("-- meta");
    AppendField(&out, key);
    AppendField(&out, value);
    out.push_back('\n');
  }
  for (const ObjectEntry& o : index.objects) {
    out.append("-- object");
    AppendNumber(&out, o.id);
    AppendField(&out, o.kind);
    AppendField(&out, o.schema);
    AppendField(&out, o.name);
    AppendNumber(&out, o.rows);
    out.push_back('\n');
  }
  for (const MemberEntry& m : index.members) AppendMemberLine(&out, m);
  out.append(kEndLine);
  out.push_back('\n');
  return out;
}

Result<Index> DecodeIndex(std::string_view payload) {
  Index index;
  size_t number = 0;
  bool ended = false;
  while (!payload.empty()) {
    ++number;
    size_t newline = payload.find('\n');
    if (newline == std::string_view::npos) {
      return Corrupt("index line " + std::to_string(number) + ": no newline at the end");
    }
    std::string_view line = payload.substr(0, newline);
    payload.remove_prefix(newline + 1);
    if (ended) return Corrupt("index line " + std::to_string(number) + ": text after the end");
    if (number == 1) {
      if (line != kFirstLine) return Corrupt("index line 1: not a myvault index version 1");
    } else if (line == kEndLine) {
      ended = true;
    } else {
      RETURN_IF_ERROR(ParseLine(line, number, &index));
    }
  }
  if (!ended) return Corrupt("index: the end line is missing");
  return index;
}

}  // namespace myvault::archive
