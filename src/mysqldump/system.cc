// --system's plugins, udfs, servers, stats and timezones (see system.h).
//
// The statements are mariadb-dump 10.11's but for the two of its plugin statements that do not
// load: it writes `UNINSTALL PLUGIN IF EXIST` (--replace) and puts INSTALL PLUGIN's IF NOT
// EXISTS after the name (--insert-ignore); both are syntax errors, written correctly here.
#include "mysqldump/system.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string_view>
#include <utility>

#include "myvault/sql/text.h"

namespace myvault::mysqldump::system_parts {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A CREATE SERVER option: the keyword and its value as SQL (a number for Port, else a string).
std::string ServerOption(std::string_view keyword, const std::string& value) {
  const bool number = keyword == "Port";
  return std::string(keyword) + " " + (number ? value : sql::StringLiteral(value));
}

}  // namespace

std::string PluginSql(const Plugin& plugin, const MysqldumpOptions& options) {
  if (plugin.status != "ACTIVE" || plugin.library.empty()) return "";
  const std::string name = sql::QuoteIdentifier(plugin.name);
  std::string s;
  if (options.replace) s += "/*M!100401 UNINSTALL PLUGIN IF EXISTS " + name + " */;\n";
  s += "INSTALL PLUGIN ";
  if (options.insert_ignore) s += "/*M!100401 IF NOT EXISTS */ ";
  return s + name + " SONAME " + sql::StringLiteral(plugin.library) + ";\n";
}

Result<std::string> UdfSql(const Udf& udf, const MysqldumpOptions& options) {
  static constexpr std::string_view kTypes[] = {"STRING", "REAL", "INT", "ROW", "DECIMAL", "TIME"};
  size_t type = std::size(kTypes);
  if (IsDigits(udf.ret))
    (void)std::from_chars(udf.ret.data(), udf.ret.data() + udf.ret.size(), type);
  if (type >= std::size(kTypes)) {
    return InvalidArgument("--system=udfs: function " + udf.name + " has the unknown return type " +
                           udf.ret + "; it is left out");
  }
  const std::string name = sql::QuoteIdentifier(udf.name);
  std::string s;
  if (options.replace) s += "/*!50701 DROP FUNCTION IF EXISTS " + name + " */;\n";
  s += options.replace ? "CREATE /*M!100103 OR REPLACE */ " : "CREATE ";
  if (udf.type == "aggregate") s += "AGGREGATE ";
  s += options.insert_ignore ? "FUNCTION IF NOT EXISTS " : "FUNCTION ";
  return s + name + " RETURNS " + std::string(kTypes[type]) + " SONAME " +
         sql::StringLiteral(udf.library) + ";\n";
}

std::string ServerSql(const ForeignServer& server, const MysqldumpOptions& options) {
  std::string s = options.replace ? "CREATE /*M!100103 OR REPLACE */ SERVER " : "CREATE SERVER ";
  if (options.insert_ignore) s += "/*M!100103 IF NOT EXISTS */ ";
  s += sql::QuoteIdentifier(server.name) + " FOREIGN DATA WRAPPER " +
       sql::StringLiteral(server.wrapper) + " OPTIONS (";
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"Host", &server.host},         {"Database", &server.db}, {"User", &server.username},
      {"Password", &server.password}, {"Port", &server.port},   {"Socket", &server.socket},
      {"Owner", &server.owner}};
  bool first = true;
  for (const auto& [keyword, value] : fields) {
    if (value->empty() || (keyword == "Port" && !IsDigits(*value))) continue;
    s += (first ? "" : ", ") + ServerOption(keyword, *value);
    first = false;
  }
  return s + ");\n";
}

Result<std::string> ReadPluginsSql(mysql::Session& session, const MysqldumpOptions& options) {
  ASSIGN_OR_RETURN(mysql::QueryResult r, session.Query("SHOW PLUGINS"));
  std::string out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out += PluginSql(Plugin{r.Get(i, "Name"), r.Get(i, "Status"), r.Get(i, "Library")}, options);
  }
  return out;
}

Result<std::string> ReadUdfsSql(mysql::Session& session, const MysqldumpOptions& options,
                                std::vector<std::string>* notes) {
  ASSIGN_OR_RETURN(mysql::QueryResult r,
                   session.Query("SELECT name, ret, dl, type FROM mysql.func ORDER BY name"));
  std::string out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    Result<std::string> sql =
        UdfSql(Udf{r.Get(i, "name"), r.Get(i, "ret"), r.Get(i, "dl"), r.Get(i, "type")}, options);
    if (sql.ok()) {
      out += *sql;
    } else {
      notes->push_back(sql.status().message());
    }
  }
  return out;
}

Result<std::string> ReadServersSql(mysql::Session& session, const MysqldumpOptions& options) {
  ASSIGN_OR_RETURN(mysql::QueryResult r,
                   session.Query("SELECT Server_name, Host, Db, Username, Password, Port, Socket, "
                                 "Wrapper, Owner FROM mysql.servers ORDER BY Server_name"));
  std::string out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const ForeignServer server{r.Get(i, "Server_name"), r.Get(i, "Host"),     r.Get(i, "Db"),
                               r.Get(i, "Username"),    r.Get(i, "Password"), r.Get(i, "Port"),
                               r.Get(i, "Socket"),      r.Get(i, "Wrapper"),  r.Get(i, "Owner")};
    out += ServerSql(server, options);
  }
  return out;
}

std::vector<std::string> StatsTables(const MysqldumpOptions::System& system,
                                     const mysql::ServerInfo& server) {
  return system.stats ? server.StatisticsTables() : std::vector<std::string>{};
}

std::vector<std::string> TimeZoneTables(const MysqldumpOptions::System& system) {
  if (!system.timezones) return {};
  return {"time_zone", "time_zone_name", "time_zone_leap_second", "time_zone_transition",
          "time_zone_transition_type"};
}

std::set<std::string> LeftOutTables(const MysqldumpOptions::System& system) {
  std::set<std::string> out;
  if (system.users) {
    out = {"global_priv",   "user",       "db",           "tables_priv",
           "columns_priv",  "procs_priv", "proxies_priv", "roles_mapping",
           "default_roles", "role_edges"};
  }
  if (system.plugins) out.insert("plugin");
  if (system.udfs) out.insert("func");
  if (system.servers) out.insert("servers");
  if (system.stats) {
    out.insert(
        {"column_stats", "index_stats", "table_stats", "innodb_index_stats", "innodb_table_stats"});
  }
  for (const std::string& t : TimeZoneTables(system)) out.insert(t);
  return out;
}

std::string RowsVerb(const MysqldumpOptions& options) {
  return options.insert_ignore && !options.replace ? "INSERT IGNORE" : "REPLACE";
}

}  // namespace myvault::mysqldump::system_parts
