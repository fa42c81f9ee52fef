#include "myvault/binlog/events.h"

#include "myvault/mysql/server_info.h"

namespace myvault::binlog {
namespace {

constexpr uint8_t kQueryEvent = 2;
constexpr uint8_t kFormatDescriptionEvent = 15;
constexpr uint8_t kXidEvent = 16;
constexpr uint8_t kMySQLAnonymousGtidEvent = 34;
constexpr uint8_t kXaPrepareEvent = 38;
constexpr size_t kHeader = 19;
constexpr size_t kQueryPostHeader = 13;

uint32_t Le(std::string_view b, size_t at, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    v |= static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  }
  return v;
}

bool StartsWithWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[i]) return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ' || text[word.size()] == ';';
}

}  // namespace

Result<EventHeader> ParseEventHeader(std::string_view b) {
  if (b.size() < kHeader) return Corrupt("binlog event header cut short");
  EventHeader h;
  h.timestamp = Le(b, 0, 4);
  h.type = static_cast<uint8_t>(b[4]);
  h.server_id = Le(b, 5, 4);
  h.length = Le(b, 9, 4);
  h.next_position = Le(b, 13, 4);
  h.flags = static_cast<uint16_t>(Le(b, 17, 2));
  if (h.length < kHeader) return Corrupt("binlog event shorter than its header");
  return h;
}

std::optional<std::string_view> QueryText(std::string_view e, bool checksums) {
  if (e.size() < kHeader + kQueryPostHeader || static_cast<uint8_t>(e[4]) != kQueryEvent) {
    return std::nullopt;
  }
  const size_t db_len = static_cast<unsigned char>(e[kHeader + 8]);
  const size_t vars_len = Le(e, kHeader + 11, 2);
  const size_t start = kHeader + kQueryPostHeader + vars_len + db_len + 1;
  const size_t end = e.size() - (checksums ? 4 : 0);
  if (start > end) return std::nullopt;
  return e.substr(start, end - start);
}

Status EventScanner::Feed(std::string_view events,
                          const std::function<void(const Transaction&)>& on_commit) {
  while (!events.empty()) {
    ASSIGN_OR_RETURN(EventHeader h, ParseEventHeader(events));
    if (h.length > events.size()) {
      return Corrupt("binlog event at offset " + std::to_string(position_) + " cut short");
    }
    if (h.next_position != 0 && h.next_position != position_ + h.length) {
      return Corrupt("binlog event at offset " + std::to_string(position_) + " says it ends at " +
                     std::to_string(h.next_position));
    }
    OnEvent(h, events.substr(0, h.length), on_commit);
    position_ += h.length;
    events.remove_prefix(h.length);
    if (state_ == State::kIdle) committed_ = position_;
  }
  return Status::Ok();
}

void EventScanner::Commit(uint64_t end, const std::function<void(const Transaction&)>& on_commit) {
  open_.end = end;
  last_committed_ = open_;
  if (on_commit) on_commit(open_);
  open_ = Transaction{};
  state_ = State::kIdle;
}

void EventScanner::OnEvent(const EventHeader& h, std::string_view event,
                           const std::function<void(const Transaction&)>& on_commit) {
  if (h.timestamp != 0) {
    if (first_time_ == 0) first_time_ = h.timestamp;
    last_time_ = h.timestamp;
  }
  const uint64_t end = position_ + h.length;
  if (h.type == kFormatDescriptionEvent && event.size() >= kHeader + 5) {
    checksums_ = static_cast<unsigned char>(event[event.size() - 5]) == 1;  // CRC32
    return;
  }
  std::optional<mysql::Gtid> gtid =
      mysql::DecodeGtidEvent(h.type, event.substr(kHeader), h.server_id);
  if (gtid || h.type == kMySQLAnonymousGtidEvent) {
    open_ = Transaction{gtid ? gtid->text : "", position_, 0, h.timestamp, ""};
    if (first_gtid_.empty() && gtid) first_gtid_ = gtid->text;
    state_ = gtid && gtid->standalone.has_value()
                 ? (*gtid->standalone ? State::kStandalone : State::kInTransaction)
                 : State::kAfterGtid;
    return;
  }
  const std::optional<std::string_view> query = QueryText(event, checksums_);
  switch (state_) {
    case State::kIdle: return;
    case State::kStandalone:
      if (query) {
        open_.statement = *query;
        Commit(end, on_commit);
      }
      return;
    case State::kAfterGtid:
      if (query && StartsWithWord(*query, "BEGIN")) {
        state_ = State::kInTransaction;
      } else if (query) {
        open_.statement = *query;
        Commit(end, on_commit);
      }
      return;
    case State::kInTransaction:
      if (h.type == kXidEvent || h.type == kXaPrepareEvent ||
          (query && (StartsWithWord(*query, "COMMIT") || StartsWithWord(*query, "ROLLBACK")))) {
        Commit(end, on_commit);
      }
      return;
  }
}

}  // namespace myvault::binlog
