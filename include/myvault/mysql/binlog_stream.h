// BinlogStream: the binary log of a server, read as a replica reads it.
//
// It connects, runs the flavour's session statements (ServerInfo::BinlogDumpSessionSql: the
// heartbeat, the server's own event checksums, GTID events on MariaDB) and sends the binlog dump
// request for FILE at POSITION through MariaDB Connector/C's mariadb_rpl_* API. Next() then hands
// out the events in the server's order with their raw bytes, exactly as they stand in the server's
// file (header, body and checksum). The server sends some events that are not in the file at the
// position they claim: the artificial rotate that opens every stream and the format description
// event it resends when the stream starts after position 4. Their header's next position is 0
// and `in_file` is false for them, as for heartbeats.
//
// Every wait is bounded: the heartbeat comes every `heartbeat_s` while the server has nothing to
// send, and a read that waits `read_timeout_s` without a byte fails as a lost connection.
// A server error keeps its errno: 1236 (ER_MASTER_FATAL_ERROR_READING_BINLOG) says the asked
// file is gone or the position is past its end.
//
// Knows nothing of archives. Thread safety: one owner thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "myvault/mysql/options.h"
#include "myvault/mysql/session.h"
#include "myvault/status.h"

struct st_mariadb_rpl;
struct st_mariadb_rpl_event;

namespace myvault::mysql {

inline constexpr unsigned kErrBinlogUnavailable = 1236;  // ER_MASTER_FATAL_ERROR_READING_BINLOG
inline constexpr size_t kBinlogHeaderSize = 19;

struct BinlogEvent {
  std::string_view bytes;  // the whole event; valid until the next Next()
  uint8_t type = 0;
  uint32_t timestamp = 0, server_id = 0, length = 0, next_position = 0;
  uint16_t flags = 0;
  bool in_file = false;  // part of the file at next_position - length (not artificial)
  bool heartbeat = false;
  // For a rotate event: the file it names (the stream goes on there).
  std::string rotate_file;
};

class BinlogStream {
 public:
  struct Request {
    std::string file;
    uint64_t position = 4;
    uint32_t replica_server_id = 0;
    double heartbeat_s = 1;
    unsigned read_timeout_s = 10;
  };
  // `session` must be connected with options.read_timeout_s set (Session::Connect); the stream
  // owns it from here on.
  static Result<std::unique_ptr<BinlogStream>> Open(std::unique_ptr<Session> session,
                                                    const Request& request);
  ~BinlogStream();
  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;

  // The next event (blocking, bounded as above). Errors: the server's (kServer with its errno),
  // a lost connection or read timeout (retryable kServer).
  Result<BinlogEvent> Next();

 private:
  explicit BinlogStream(std::unique_ptr<Session> session) : session_(std::move(session)) {}
  Status Error(std::string_view what) const;

  std::unique_ptr<Session> session_;
  st_mariadb_rpl* rpl_ = nullptr;
  st_mariadb_rpl_event* event_ = nullptr;
  bool checksums_ = false;
};

}  // namespace myvault::mysql
