// TestServer (one libmysqlclient connection), SQL quoting, scratch directories and file helpers.
// Child processes live in process.cc.
#include "harness.h"

#include <arpa/inet.h>
#include <mysql.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace myvault::it {

std::string ServerConfig::Describe() const {
  if (host.empty()) return user + "@" + socket;
  return user + "@" + host + ":" + std::to_string(port);
}

Result<std::unique_ptr<TestServer>> TestServer::Connect(const ServerConfig& config) {
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Internal("mysql_init failed");
  const unsigned long max_packet = 1UL << 30;
  const unsigned timeout_s = 600;
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &timeout_s);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &timeout_s);
  const char* host = config.host.empty() ? "localhost" : config.host.c_str();
  const char* socket = config.host.empty() ? config.socket.c_str() : nullptr;
  if (mysql_real_connect(mysql, host, config.user.c_str(), config.password.c_str(), nullptr,
                         config.port, socket,
                         CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS) == nullptr) {
    Status st(StatusCode::kConnection, "connect " + config.Describe() + ": " + mysql_error(mysql));
    mysql_close(mysql);
    return st;
  }
  return std::unique_ptr<TestServer>(new TestServer(config, mysql));
}

TestServer::~TestServer() { mysql_close(mysql_); }

Status TestServer::Error(std::string_view sql) const {
  std::string shown(sql.substr(0, 300));
  if (sql.size() > 300) shown += "...";
  return Status(StatusCode::kServer, std::string(mysql_error(mysql_)) + " [" +
                                         std::to_string(mysql_errno(mysql_)) + "] in: " + shown)
      .SetServerError(mysql_errno(mysql_), mysql_sqlstate(mysql_), false);
}

Status TestServer::Exec(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql);
  for (;;) {
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res != nullptr)
      mysql_free_result(res);
    else if (mysql_field_count(mysql_) != 0)
      return Error(sql);
    const int next = mysql_next_result(mysql_);
    if (next > 0) return Error(sql);
    if (next < 0) return Status::Ok();
  }
}

Status TestServer::QueryEach(std::string_view sql, const std::function<void(const Row&)>& on_row) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql);
  MYSQL_RES* res = mysql_use_result(mysql_);
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) return Error(sql);
    return Status::Ok();
  }
  const unsigned ncols = mysql_num_fields(res);
  Row row(ncols);
  while (MYSQL_ROW r = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    for (unsigned i = 0; i < ncols; ++i) {
      if (r[i] == nullptr)
        row[i].reset();
      else
        row[i].emplace(r[i], lengths[i]);
    }
    on_row(row);
  }
  const bool failed = mysql_errno(mysql_) != 0;
  Status st = failed ? Error(sql) : Status::Ok();
  mysql_free_result(res);
  while (mysql_more_results(mysql_) && mysql_next_result(mysql_) == 0) {
    if (MYSQL_RES* extra = mysql_store_result(mysql_)) mysql_free_result(extra);
  }
  return st;
}

Result<std::vector<Row>> TestServer::Query(std::string_view sql) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(QueryEach(sql, [&rows](const Row& row) { rows.push_back(row); }));
  return rows;
}

Result<std::string> TestServer::QueryValue(std::string_view sql) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql));
  if (rows.size() != 1 || rows[0].size() != 1) {
    return Internal("expected one value from: " + std::string(sql) + " (got " +
                    std::to_string(rows.size()) + " rows)");
  }
  return rows[0][0].value_or("NULL");
}

unsigned long TestServer::ConnectionId() const { return mysql_thread_id(mysql_); }

std::string QuoteIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string HexLiteral(std::string_view bytes) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2 + 3);
  out += "X'";
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out + "'";
}

std::string QualifiedName(std::string_view db, std::string_view table) {
  return QuoteIdent(db) + "." + QuoteIdent(table);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/myvault-it-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << templ << ": " << std::strerror(errno);
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<unsigned> FreeTcpPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoErrorFromErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int saved = errno;
  close(fd);
  if (!ok) return IoErrorFromErrno("bind 127.0.0.1:0", saved);
  return static_cast<unsigned>(ntohs(addr.sin_port));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoErrorFromErrno("open " + path, errno);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return IoErrorFromErrno("write " + path, errno);
  return Status::Ok();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

int FileMode(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace myvault::it
