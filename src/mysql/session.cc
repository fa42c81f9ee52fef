#include "myvault/mysql/session.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

namespace myvault::mysql {
namespace {

void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// TLS as mysql's --ssl-mode means it. An empty mode means VERIFY_CA when a CA is given (as in
// MySQL 8's client), REQUIRED when only a client certificate is, else no TLS (MariaDB's client
// default). The one place TLS options reach the library.
Status SetSslOptions(MYSQL* m, const ConnectionOptions& o) {
  std::string mode = o.ssl_mode;
  const bool have_ca = !o.ssl_ca.empty() || !o.ssl_capath.empty();
  if (mode.empty()) {
    mode = o.ssl_verify_server_cert ? "VERIFY_IDENTITY"
           : have_ca                ? "VERIFY_CA"
           : !o.ssl_cert.empty()    ? "REQUIRED"
                                    : "DISABLED";
  }
  if (mode == "DISABLED") return Status::Ok();  // no TLS option at all: a plain connection
  if ((mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY") && !have_ca) {
    return InvalidArgument("--ssl-mode " + mode + " needs --ssl-ca or --ssl-capath");
  }
  auto set = [m](mysql_option opt, const std::string& v) {
    if (!v.empty()) mysql_options(m, opt, v.c_str());
  };
  set(MYSQL_OPT_SSL_KEY, o.ssl_key);
  set(MYSQL_OPT_SSL_CERT, o.ssl_cert);
  set(MYSQL_OPT_SSL_CA, o.ssl_ca);
  set(MYSQL_OPT_SSL_CAPATH, o.ssl_capath);
  set(MYSQL_OPT_SSL_CIPHER, o.ssl_cipher);
  if (mode == "PREFERRED") {
    // TLS when the server offers it, plain otherwise, nothing verified.
    mysql_ssl_set(m, nullptr, nullptr, nullptr, nullptr, nullptr);
    return Status::Ok();
  }
  my_bool yes = 1;
  mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);  // REQUIRED and up: TLS or no connection
  // With a CA the library checks the chain; the host name only when asked.
  if (mode == "VERIFY_IDENTITY") mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
  return Status::Ok();
}

}  // namespace

int QueryResult::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string QueryResult::Get(size_t r, std::string_view name) const {
  int c = Column(name);
  if (c < 0 || r >= rows.size() || !rows[r][static_cast<size_t>(c)]) return "";
  return *rows[r][static_cast<size_t>(c)];
}

Status ClassifyError(unsigned err, std::string_view sqlstate, std::string_view message) {
  StatusCode code = StatusCode::kServer;
  bool retryable = false;
  switch (err) {
    case ER_ACCESS_DENIED_ERROR:    // 1045 wrong user/password
    case ER_DBACCESS_DENIED_ERROR:  // 1044 no access to database
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
      code = StatusCode::kAuth;
      break;
    case CR_CONN_HOST_ERROR:
    case CR_CONNECTION_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SSL_CONNECTION_ERROR:
    case CR_IPSOCK_ERROR: code = StatusCode::kConnection; break;
    case ER_BAD_DB_ERROR:
    case ER_NO_SUCH_TABLE:
    case ER_BAD_TABLE_ERROR: code = StatusCode::kNotFound; break;
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:  // may succeed on a new connection (not inside a snapshot)
    case ER_LOCK_DEADLOCK: retryable = true; break;
    case ER_LOCK_WAIT_TIMEOUT:
      code = StatusCode::kLockTimeout;
      retryable = true;
      break;
    default: break;
  }
  Status s(code, std::string(message));
  s.SetServerError(err, std::string(sqlstate), retryable);
  return s;
}

Session::Session(st_mysql* mysql, std::string role) : mysql_(mysql), role_(std::move(role)) {}

Session::~Session() {
  if (close_hook_) close_hook_();
  if (mysql_ != nullptr) mysql_close(mysql_);
}

Status Session::Error(std::string_view what) const {
  unsigned err = mysql_errno(mysql_);
  Status s = ClassifyError(err, mysql_sqlstate(mysql_), mysql_error(mysql_));
  std::string context = role_;
  if (!what.empty()) context += std::string(": ") + std::string(what);
  return s.WithContext(context);
}

// libmysqlclient's LOCAL INFILE callbacks, reading from the Session's current buffer.
struct LocalInfile {
  static int Init(void** ptr, const char* /*filename*/, void* userdata) {
    auto* s = static_cast<Session*>(userdata);
    *ptr = s;
    if (s->infile_data_ == nullptr) return 1;  // not asked for by us: refuse
    s->infile_pos_ = 0;
    return 0;
  }
  static int Read(void* ptr, char* buf, unsigned int len) {
    auto* s = static_cast<Session*>(ptr);
    if (s->infile_data_ == nullptr) return -1;
    const size_t n = std::min<size_t>(len, s->infile_data_->size() - s->infile_pos_);
    std::memcpy(buf, s->infile_data_->data() + s->infile_pos_, n);
    s->infile_pos_ += n;
    return static_cast<int>(n);
  }
  static void End(void* /*ptr*/) {}
  static int Error(void* /*ptr*/, char* buf, unsigned int len) {
    std::snprintf(buf, len, "myvault serves LOCAL INFILE data only to its own LOAD DATA");
    return CR_UNKNOWN_ERROR;
  }
};

Result<std::unique_ptr<Session>> Session::Connect(const ConnectionOptions& o, std::string role,
                                                  bool local_infile) {
  InitLibraryOnce();
  mysql_thread_init();
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) return Internal("mysql_init failed: out of memory");
  unsigned long packet = 1UL << 30;
  mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
  unsigned timeout = o.connect_timeout_s;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  if (o.read_timeout_s > 0) {
    unsigned read_timeout = o.read_timeout_s;
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  }
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  my_bool no = 0;
  mysql_options(m, MYSQL_OPT_RECONNECT, &no);
  unsigned infile = local_infile ? 1 : 0;
  mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &infile);
  if (o.compress) mysql_options(m, MYSQL_OPT_COMPRESS, nullptr);
  if (!o.socket.empty() && (o.host.empty() || o.host == "localhost")) {
    unsigned proto = MYSQL_PROTOCOL_SOCKET;
    mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
  } else if (!o.host.empty() && o.host != "localhost") {
    unsigned proto = MYSQL_PROTOCOL_TCP;
    mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
  }
  if (Status st = SetSslOptions(m, o); !st.ok()) {
    mysql_close(m);
    return st;
  }
  const char* host = o.host.empty() ? nullptr : o.host.c_str();
  const char* socket = o.socket.empty() ? nullptr : o.socket.c_str();
  const char* password = o.password ? o.password->c_str() : nullptr;
  std::unique_ptr<Session> session(new Session(m, std::move(role)));
  if (local_infile) {
    mysql_set_local_infile_handler(m, &LocalInfile::Init, &LocalInfile::Read, &LocalInfile::End,
                                   &LocalInfile::Error, session.get());
  }
  if (mysql_real_connect(m, host, o.user.c_str(), password, nullptr, o.port, socket,
                         CLIENT_MULTI_RESULTS) == nullptr) {
    // No role prefix: the first failing connect is the user's problem, not a worker's.
    Status st = ClassifyError(mysql_errno(m), mysql_sqlstate(m), mysql_error(m));
    return st.WithContext("connect to " + DescribeTarget(o));
  }
  session->server_ = ParseServerVersion(mysql_get_server_info(m));
  // The dump's session: exact values, UTC timestamps, no strict-mode surprises, no server
  // timeouts while a worker waits for a free chunk buffer mid-result or for the server-wide
  // statement time limit, and sorts that compare whole key values should the server ever
  // filesort a keyset page (max_sort_length).
  std::string set =
      "SET SESSION time_zone='+00:00', sql_mode='', net_write_timeout=86400, "
      "net_read_timeout=86400, wait_timeout=86400, character_set_results='utf8mb4', "
      "max_sort_length=8388608";
  const std::string unlimited = session->server_.NoStatementTimeLimit();
  if (!unlimited.empty()) set += ", " + unlimited;
  RETURN_IF_ERROR(session->Execute(set));
  return session;
}

unsigned long Session::thread_id() const { return mysql_thread_id(mysql_); }

unsigned Session::server_status() const { return mysql_->server_status; }

Status Session::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 120));
  // Drain any result (SHOW/SELECT executed through Execute).
  do {
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res != nullptr)
      mysql_free_result(res);
    else if (mysql_field_count(mysql_) != 0)
      return Error(sql.substr(0, 120));
  } while (mysql_next_result(mysql_) == 0);
  if (mysql_errno(mysql_) != 0) return Error(sql.substr(0, 120));
  return Status::Ok();
}

Status Session::Execute(std::string_view sql, uint64_t* affected_rows) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 120));
  *affected_rows = mysql_affected_rows(mysql_);
  if (mysql_field_count(mysql_) != 0) {
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res == nullptr) return Error(sql.substr(0, 120));
    mysql_free_result(res);
    *affected_rows = 0;
  }
  return Status::Ok();
}

Status Session::LoadDataLocal(std::string_view sql, std::string_view data,
                              uint64_t* affected_rows) {
  infile_data_ = &data;
  Status st = Execute(sql, affected_rows);
  infile_data_ = nullptr;
  return st;
}

Status Session::ExecuteBulk(std::string_view sql, const BulkValues& v, uint64_t* affected_rows) {
  static_assert(STMT_INDICATOR_NONE == 0 && STMT_INDICATOR_NULL == 1);
  const std::string_view what = sql.substr(0, 120);
  MYSQL_STMT* stmt = mysql_stmt_init(mysql_);
  if (stmt == nullptr) return Error(what);
  // Closed on every path; closing a statement sends no reply to wait for.
  std::unique_ptr<MYSQL_STMT, my_bool (*)(MYSQL_STMT*)> guard(stmt, &mysql_stmt_close);
  auto failed = [&] {
    Status st =
        ClassifyError(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt));
    return st.WithContext(role_ + ": " + std::string(what));
  };
  // As MARIADB_STMT_BULK_SUPPORTED, through the public accessors: a MariaDB server (MySQL sets
  // CLIENT_MYSQL) that announces bulk operations.
  unsigned long caps = 0, extended = 0;
  mariadb_get_infov(mysql_, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps);
  mariadb_get_infov(mysql_, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &extended);
  if ((caps & CLIENT_MYSQL) != 0 || (extended & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) == 0) {
    Status st(StatusCode::kServer, role_ + ": the server does not take array-bound statements");
    st.SetServerError(CR_FUNCTION_NOT_SUPPORTED, "IM001", false);
    return st;
  }
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) return failed();
  if (mysql_stmt_param_count(stmt) != v.columns) {
    return Internal(role_ + ": " + std::string(what) + ": " +
                    std::to_string(mysql_stmt_param_count(stmt)) + " parameters for " +
                    std::to_string(v.columns) + " columns");
  }
  std::vector<MYSQL_BIND> bind(v.columns);
  for (size_t c = 0; c < v.columns; ++c) {
    std::memset(&bind[c], 0, sizeof(MYSQL_BIND));
    bind[c].buffer_type = MYSQL_TYPE_BLOB;  // a binary string: stored without conversion
    bind[c].buffer = const_cast<const char**>(v.values.data() + c * v.rows);
    bind[c].length = const_cast<unsigned long*>(v.lengths.data() + c * v.rows);
    bind[c].u.indicator = const_cast<char*>(v.nulls.data() + c * v.rows);
  }
  auto rows = static_cast<unsigned int>(v.rows);
  if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &rows) != 0 ||
      mysql_stmt_bind_param(stmt, bind.data()) != 0 || mysql_stmt_execute(stmt) != 0) {
    return failed();
  }
  *affected_rows = mysql_stmt_affected_rows(stmt);
  return Status::Ok();
}

Result<QueryResult> Session::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 120));
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) return Error(sql.substr(0, 120));
    return QueryResult{};
  }
  QueryResult out;
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < n; ++i) out.columns.emplace_back(fields[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    Row r;
    r.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (row[i] == nullptr)
        r.emplace_back(std::nullopt);
      else
        r.emplace_back(std::string(row[i], len[i]));
    }
    out.rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  return out;
}

Status Session::Stream(std::string_view sql, const std::function<Status(const RowView&)>& on_row) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 120));
  MYSQL_RES* res = mysql_use_result(mysql_);
  if (res == nullptr) return Error(sql.substr(0, 120));
  unsigned n = mysql_num_fields(res);
  Status status;
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    RowView view{row, mysql_fetch_lengths(res), n};
    status = on_row(view);
    if (!status.ok()) break;
  }
  if (status.ok() && mysql_errno(mysql_) != 0) status = Error("reading rows");
  if (!status.ok() && mysql_errno(mysql_) == 0) {
    // Stopped early (cancelled, or a failure elsewhere): freeing the result would read every
    // remaining row of the query, possibly a whole table. Abort the connection instead; the
    // session is unusable afterwards, which is what a stopped dump wants.
#ifdef MARIADB_PACKAGE_VERSION
    mariadb_cancel(mysql_);
#else
    shutdown(mysql_get_socket(mysql_), SHUT_RDWR);
#endif
  }
  mysql_free_result(res);
  return status;
}

}  // namespace myvault::mysql
