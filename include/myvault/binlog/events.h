// Binary log events as bytes: the v4 event header, transaction boundaries and GTIDs.
//
// A binlog file is the 4-byte magic "\xfebin" followed by events, each a 19-byte header
// (timestamp, type, server id, length, next position, flags; little endian) and a body. The
// EventScanner walks a file's bytes in order (fed in pieces cut at event boundaries) and keeps
// what myvault records per file and what a restore needs: the first and last event time and
// GTID, and where each transaction starts and ends. A transaction starts at its GTID event and
// ends after its XID event, after a COMMIT or ROLLBACK query, or, for one-statement transactions
// (DDL), after that statement. `boundary()` is true between transactions, where a replay may
// stop and an archiver may sync.
//
// Pure functions and a plain value type: thread-compatible, unit-tested on hand-built bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "myvault/status.h"

namespace myvault::binlog {

inline constexpr std::string_view kBinlogMagic{"\xfe\x62\x69\x6e", 4};
inline constexpr uint64_t kFirstEventPosition = 4;

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t length = 0;
  uint32_t next_position = 0;
  uint16_t flags = 0;
};
// Corrupt when `bytes` is shorter than a header or the length is below 19.
Result<EventHeader> ParseEventHeader(std::string_view bytes);

// A transaction as the scanner saw it.
struct Transaction {
  std::string gtid;
  uint64_t start = 0;     // offset of its GTID event
  uint64_t end = 0;       // offset after its last event (0 while open)
  uint32_t time = 0;      // its GTID event's timestamp
  std::string statement;  // a one-statement transaction's SQL (DDL); "" for BEGIN ... COMMIT
};

class EventScanner {
 public:
  // `position`: the file offset of the first byte that Feed will see (4 after the magic).
  explicit EventScanner(uint64_t position = kFirstEventPosition)
      : position_(position), committed_(position) {}

  // Takes whole events (one or more). Calls `on_commit` for every transaction that ends in them.
  // Corrupt when an event is cut, or its next position disagrees with its offset.
  Status Feed(std::string_view events,
              const std::function<void(const Transaction&)>& on_commit = nullptr);

  uint64_t position() const { return position_; }  // offset after the last event fed
  bool boundary() const { return state_ == State::kIdle; }
  // Offset after the last complete transaction (or any event between transactions).
  uint64_t committed_position() const { return committed_; }
  // Timestamps of the first/last event with a non-zero time; 0 when none.
  uint32_t first_time() const { return first_time_; }
  uint32_t last_time() const { return last_time_; }
  const std::string& first_gtid() const { return first_gtid_; }
  // The last transaction that ended (its GTID and time), empty when none.
  const Transaction& last_committed() const { return last_committed_; }

 private:
  enum class State { kIdle, kAfterGtid, kInTransaction, kStandalone };
  void OnEvent(const EventHeader& h, std::string_view event,
               const std::function<void(const Transaction&)>& on_commit);
  void Commit(uint64_t end, const std::function<void(const Transaction&)>& on_commit);

  uint64_t position_;
  uint64_t committed_ = 0;
  bool checksums_ = false;  // from the format description event: a CRC32 ends every event
  State state_ = State::kIdle;
  uint32_t first_time_ = 0, last_time_ = 0;
  std::string first_gtid_;
  Transaction open_, last_committed_;
};

// The SQL text of a query event (type 2), without the checksum; nullopt for other events.
std::optional<std::string_view> QueryText(std::string_view event, bool checksums);

}  // namespace myvault::binlog
