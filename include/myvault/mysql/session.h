// Session: one client connection to a MySQL/MariaDB server (libmysqlclient).
//
// A Session is owned by one thread at a time (libmysqlclient handles are not thread-safe); it may
// move between threads between calls. Every error is classified in one function (ClassifyError)
// into a Status that keeps the server errno, SQLSTATE and a retryable flag, and names the
// session's role ("worker 3: ...") so messages say which connection failed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/options.h"
#include "myvault/mysql/server_info.h"
#include "myvault/status.h"

struct st_mysql;

namespace myvault::mysql {

using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  // Index of a column by name, or -1.
  int Column(std::string_view name) const;
  // rows[r][column name], "" for NULL or a missing column.
  std::string Get(size_t r, std::string_view name) const;
};

// One streamed row: values[i] is nullptr for NULL, lengths[i] its byte length.
struct RowView {
  const char* const* values;
  const unsigned long* lengths;
  unsigned count;
};

// Values for ExecuteBulk, column by column: value (column c, row r) is values[c * rows + r],
// lengths[...] bytes long, NULL when nulls[...] is 1.
struct BulkValues {
  size_t columns = 0, rows = 0;
  std::vector<const char*> values;
  std::vector<unsigned long> lengths;
  std::vector<char> nulls;
};

class Session {
 public:
  // Connects and sets the session up for dumping: utf8mb4, UTC time zone, a large
  // max_allowed_packet, long net timeouts. `role` names this connection in errors.
  // With `local_infile`, the session may run LoadDataLocal; the server can then ask for local
  // data, and gets only what LoadDataLocal hands it (never a file: a hostile server asking for
  // /etc/passwd gets an error).
  static Result<std::unique_ptr<Session>> Connect(const ConnectionOptions& options,
                                                  std::string role, bool local_infile = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Status Execute(std::string_view sql);
  // The same for one statement, also giving the rows it changed (INSERT: rows inserted).
  Status Execute(std::string_view sql, uint64_t* affected_rows);
  Result<QueryResult> Query(std::string_view sql);
  // Runs `sql`, a LOAD DATA LOCAL INFILE statement, serving `data` as the file's contents.
  // *affected_rows gets the rows loaded. Needs a session connected with local_infile.
  Status LoadDataLocal(std::string_view sql, std::string_view data, uint64_t* affected_rows);
  // Prepares `sql`, a statement with one `?` per column of `values`, and runs it once for every
  // row of `values` in one round trip (MariaDB's array binding, COM_STMT_BULK_EXECUTE; the
  // server runs it as one statement), each value bound as a binary string. *affected_rows gets
  // the rows changed. kUnimplemented when the server cannot (ServerInfo::HasArrayBinding).
  Status ExecuteBulk(std::string_view sql, const BulkValues& values, uint64_t* affected_rows);
  // Streams a result row by row (mysql_use_result): memory stays flat whatever the row count.
  // `on_row` returning a non-ok Status stops the stream; the rest of the result is discarded.
  Status Stream(std::string_view sql, const std::function<Status(const RowView&)>& on_row);

  const ServerInfo& server() const { return server_; }
  unsigned long thread_id() const;
  // The server's status flags after the last statement (SERVER_STATUS_NO_BACKSLASH_ESCAPES, ...),
  // which say how the client must read quotes in the next one.
  unsigned server_status() const;
  const std::string& role() const { return role_; }
  // Runs `hook` when the session is destroyed (a QueryKiller watching it forgets it then); one
  // hook at a time, an empty one clears it.
  void SetCloseHook(std::function<void()> hook) { close_hook_ = std::move(hook); }

 private:
  Session(st_mysql* mysql, std::string role);
  Status Error(std::string_view what) const;

  st_mysql* mysql_;
  std::string role_;
  // The bytes LoadDataLocal serves, and how far the server has read; null outside a call.
  const std::string_view* infile_data_ = nullptr;
  size_t infile_pos_ = 0;
  friend struct LocalInfile;
  friend class BinlogStream;  // drives the replication protocol on this connection
  ServerInfo server_;
  std::function<void()> close_hook_;
};

// Maps a client/server error number to a Status code (auth, connection, not found, lost
// connection, lock wait, ...) and a retryable flag. The one classification function.
Status ClassifyError(unsigned err, std::string_view sqlstate, std::string_view message);

}  // namespace myvault::mysql
