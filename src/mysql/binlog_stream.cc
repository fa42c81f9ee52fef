#include "myvault/mysql/binlog_stream.h"

#include <errmsg.h>
#include <mysql.h>
// mariadb_rpl.h needs mysql.h first.
#include <mariadb_rpl.h>

namespace myvault::mysql {

Result<std::unique_ptr<BinlogStream>> BinlogStream::Open(std::unique_ptr<Session> session,
                                                         const Request& request) {
  for (const std::string& sql : session->server().BinlogDumpSessionSql(request.heartbeat_s)) {
    RETURN_IF_ERROR(session->Execute(sql));
  }
  ASSIGN_OR_RETURN(QueryResult checksum, session->Query("SELECT @@GLOBAL.binlog_checksum"));
  std::unique_ptr<BinlogStream> stream(new BinlogStream(std::move(session)));
  // Events end with a CRC32 as the server writes them (the session asked for its setting).
  stream->checksums_ = !checksum.rows.empty() && checksum.rows[0][0].value_or("NONE") != "NONE";
  stream->rpl_ = mariadb_rpl_init(stream->session_->mysql_);
  if (stream->rpl_ == nullptr) return Internal("mariadb_rpl_init failed: out of memory");
  mariadb_rpl_optionsv(stream->rpl_, MARIADB_RPL_FILENAME, request.file.c_str(),
                       request.file.size());
  mariadb_rpl_optionsv(stream->rpl_, MARIADB_RPL_START,
                       static_cast<unsigned long>(request.position));
  mariadb_rpl_optionsv(stream->rpl_, MARIADB_RPL_SERVER_ID, request.replica_server_id);
  mariadb_rpl_optionsv(stream->rpl_, MARIADB_RPL_FLAGS,
                       static_cast<unsigned int>(stream->session_->server().BinlogDumpFlags()));
  if (mariadb_rpl_open(stream->rpl_) != 0) {
    return stream->Error("binlog dump request for " + request.file + ":" +
                         std::to_string(request.position));
  }
  return stream;
}

BinlogStream::~BinlogStream() {
  if (event_ != nullptr) mariadb_free_rpl_event(event_);
  if (rpl_ != nullptr) mariadb_rpl_close(rpl_);
}

Status BinlogStream::Error(std::string_view what) const {
  MYSQL* m = session_->mysql_;
  unsigned err = mysql_errno(m);
  std::string message = mysql_error(m);
  if (err == 0 && rpl_ != nullptr) {
    err = mariadb_rpl_errno(rpl_);
    message = mariadb_rpl_error(rpl_);
  }
  if (err == 0) {
    err = CR_SERVER_LOST;
    message = "the binlog stream ended";
  }
  return ClassifyError(err, mysql_sqlstate(m), message).WithContext(what);
}

Result<BinlogEvent> BinlogStream::Next() {
  event_ = mariadb_rpl_fetch(rpl_, event_);
  if (event_ == nullptr) return Error("reading the binlog stream");
  BinlogEvent e;
  // raw_data starts with the packet's OK byte; the event follows it.
  e.bytes = std::string_view(reinterpret_cast<const char*>(event_->raw_data) + event_->raw_data_ofs,
                             event_->raw_data_size - event_->raw_data_ofs);
  e.type = static_cast<uint8_t>(event_->event_type);
  e.timestamp = event_->timestamp;
  e.server_id = event_->server_id;
  e.length = event_->event_length;
  e.next_position = event_->next_event_pos;
  e.flags = event_->flags;
  e.heartbeat = event_->event_type == HEARTBEAT_LOG_EVENT;
  e.in_file =
      !e.heartbeat && e.next_position != 0 && (e.flags & 0x20) == 0;  // LOG_EVENT_ARTIFICIAL_F
  if (event_->event_type == ROTATE_EVENT) {
    // The body is the next position (8 bytes) and the file name up to the checksum. (Read here:
    // Connector/C 3.3 gets the name's length wrong for a rotate event with a checksum.)
    const size_t start = kBinlogHeaderSize + 8, end = e.bytes.size() - (checksums_ ? 4 : 0);
    if (end > start) e.rotate_file.assign(e.bytes.substr(start, end - start));
  }
  if (e.bytes.size() != e.length) {
    return Corrupt("binlog event of " + std::to_string(e.bytes.size()) +
                   " bytes where its header says " + std::to_string(e.length));
  }
  return e;
}

}  // namespace myvault::mysql
