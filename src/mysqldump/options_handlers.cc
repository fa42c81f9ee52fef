// The effects of the options that do more than set one field: option groups (--opt, --compact),
// numbers with my_getopt's K/M/G suffixes and bounds, the connection options, and --protocol.
#include "mysqldump/options_handlers.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace myvault::mysqldump::internal {
namespace {

std::string Dashed(std::string_view name) { return "--" + std::string(name); }

Status NotANumber(const OptionValue& v, std::string_view what) {
  return InvalidArgument("option '" + Dashed(v.name) + "': '" + v.text.value_or("") + "' is not " +
                         std::string(what));
}

// Digits with an optional K, M, G, T, P or E suffix (powers of 1024, either case), as my_getopt
// reads numeric options.
Result<uint64_t> ParseSize(const OptionValue& v) {
  const std::string& t = v.text.value_or("");
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end == t.data()) {
    return NotANumber(v, "a number (K, M, G, T, P and E suffixes allowed)");
  }
  const std::string_view rest(end, static_cast<size_t>(t.data() + t.size() - end));
  if (rest.empty()) return n;
  constexpr std::string_view kSuffixes = "KMGTPE";
  const size_t power = rest.size() == 1 ? kSuffixes.find(Upper(rest)[0]) : std::string_view::npos;
  if (power == std::string_view::npos) {
    return NotANumber(v, "a number (K, M, G, T, P and E suffixes allowed)");
  }
  const unsigned shift = 10 * static_cast<unsigned>(power + 1);
  if (n > (std::numeric_limits<uint64_t>::max() >> shift)) return NotANumber(v, "a usable size");
  return n << shift;
}

// A size kept within [min, max] and rounded down to a multiple of 1024, as my_getopt keeps the
// packet sizes; an adjusted value is reported in a note.
Result<uint64_t> ParseBoundedSize(const OptionValue& v, uint64_t min, uint64_t max, ParseState* s) {
  ASSIGN_OR_RETURN(const uint64_t given, ParseSize(v));
  uint64_t n = given < min ? min : given > max ? max : given;
  n -= n % 1024;
  if (n != given) {
    AddNote(s, Dashed(v.name) + ": " + std::to_string(given) + " adjusted to " + std::to_string(n));
  }
  return n;
}

Result<unsigned> ParseCount(const OptionValue& v, unsigned max) {
  const std::string& t = v.text.value_or("");
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty() || n > max) {
    return NotANumber(v, "a number from 0 to " + std::to_string(max));
  }
  return n;
}

// --master-data / --dump-slave: bare means 1, --skip-X means 0, above 2 is taken as 2.
Result<int> ParseReplicationLevel(const OptionValue& v, ParseState* s) {
  if (!v.on) return 0;
  if (!v.text) return 1;
  ASSIGN_OR_RETURN(const unsigned n, ParseCount(v, std::numeric_limits<unsigned>::max()));
  if (n > 2) AddNote(s, Dashed(v.name) + ": " + std::to_string(n) + " adjusted to 2");
  return n > 2 ? 2 : static_cast<int>(n);
}

void GiveConnection(ParseState* s, std::string field) {
  s->connection_given.insert(std::move(field));
}

}  // namespace

Status OnAllDatabases(const OptionValue& v, ParseState* s) {
  s->all_databases = v.on;
  return Status::Ok();
}

Status OnDatabases(const OptionValue& v, ParseState* s) {
  s->databases = v.on;
  return Status::Ok();
}

Status OnTables(const OptionValue& /*v*/, ParseState* s) {
  s->databases = false;
  return Status::Ok();
}

// --opt and --skip-opt set the same eight options on or off.
Status SetOptGroup(ParseState* s, bool on) {
  MysqldumpOptions& o = *s->out;
  o.add_drop_table = o.add_locks = o.create_options = o.disable_keys = on;
  o.extended_insert = o.lock_tables = o.quick = o.set_charset = on;
  return Status::Ok();
}

Status OnOpt(const OptionValue& /*v*/, ParseState* s) { return SetOptGroup(s, true); }
Status OnSkipOpt(const OptionValue& /*v*/, ParseState* s) { return SetOptGroup(s, false); }

// --compact turns five options off when given; turning it off again restores nothing.
Status OnCompact(const OptionValue& v, ParseState* s) {
  MysqldumpOptions& o = *s->out;
  o.compact = v.on;
  if (v.on) o.add_drop_table = o.add_locks = o.comments = o.disable_keys = o.set_charset = false;
  return Status::Ok();
}

Status OnNoSetNames(const OptionValue& /*v*/, ParseState* s) {
  s->out->set_charset = false;
  return Status::Ok();
}

Status OnIgnoreTable(const OptionValue& v, ParseState* s) {
  if (v.text->find('.') == std::string::npos) {
    return InvalidArgument("Illegal use of option --ignore-table=<database>.<table>");
  }
  s->out->ignore_tables.push_back(*v.text);
  return Status::Ok();
}

Status OnIgnoreTableData(const OptionValue& v, ParseState* s) {
  if (v.text->find('.') == std::string::npos) {
    return InvalidArgument("Illegal use of option --ignore-table-data=<database>.<table>");
  }
  s->out->ignore_table_data.push_back(*v.text);
  return Status::Ok();
}

Status OnIgnoreDatabase(const OptionValue& v, ParseState* s) {
  s->out->ignore_databases.push_back(*v.text);
  return Status::Ok();
}

// The one of `names` that `item` names: the whole name or a prefix of it alone, in any case, as
// mariadb-dump's option lists (a TYPELIB) take it; "" when none or several do.
std::string_view MatchListValue(std::string_view item, std::span<const std::string_view> names) {
  std::string_view found;
  int matches = 0;
  for (std::string_view name : names) {
    if (item.empty() || item.size() > name.size()) continue;
    const bool prefix = std::equal(item.begin(), item.end(), name.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    if (prefix && item.size() == name.size()) return name;
    if (prefix) found = name, ++matches;
  }
  return matches == 1 ? found : std::string_view();
}

// --system=LIST: comma separated parts (MysqldumpOptions::System); `all` is every part.
Status OnSystem(const OptionValue& v, ParseState* s) {
  MysqldumpOptions::System& sys = s->out->system;
  const std::pair<std::string_view, bool*> parts[] = {
      {"plugins", &sys.plugins}, {"users", &sys.users}, {"udfs", &sys.udfs},
      {"servers", &sys.servers}, {"stats", &sys.stats}, {"timezones", &sys.timezones}};
  constexpr std::string_view kNames[] = {"all",     "users", "plugins",  "udfs",
                                         "servers", "stats", "timezones"};
  std::string_view list = *v.text;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const std::string_view value = MatchListValue(item, kNames);
    if (value.empty()) {
      return InvalidArgument("--system=" + std::string(item) +
                             ": not one of all, users, plugins, udfs, servers, stats, "
                             "timezones (or a prefix of one of them alone)");
    }
    for (const auto& [name, flag] : parts) {
      if (value == "all" || value == name) *flag = true;
    }
  }
  return Status::Ok();
}

// --compatible=LIST: mariadb-dump's modes (kCompatibleModes), comma separated, in any case, each
// by its name or a prefix of it alone; empty items are skipped. The list is kept normalized: each
// mode once, upper case, in kCompatibleModes' order. Like mariadb-dump, it turns quote_names on
// and set_charset off, even for an empty list.
Status OnCompatible(const OptionValue& v, ParseState* s) {
  std::vector<std::string> lower;
  for (std::string_view mode : kCompatibleModes) lower.push_back(Lower(mode));
  const std::vector<std::string_view> names(lower.begin(), lower.end());
  std::vector<bool> chosen(names.size(), false);
  std::string_view list = *v.text;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    const std::string_view value = MatchListValue(item, names);
    if (value.empty())
      return InvalidArgument(std::string(kInvalidCompatibleMode) + std::string(item));
    chosen[std::find(names.begin(), names.end(), value) - names.begin()] = true;
  }
  std::string normalized;
  for (size_t i = 0; i < names.size(); ++i) {
    if (chosen[i]) normalized += (normalized.empty() ? "" : ",") + std::string(kCompatibleModes[i]);
  }
  s->out->compatible = normalized;
  s->out->quote_names = true;
  s->out->set_charset = false;
  return Status::Ok();
}

Status OnMasterData(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(s->out->master_data, ParseReplicationLevel(v, s));
  return Status::Ok();
}

Status OnDumpSlave(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(s->out->dump_slave, ParseReplicationLevel(v, s));
  return Status::Ok();
}

Status OnSetGtidPurged(const OptionValue& v, ParseState* s) {
  const std::string value = Upper(*v.text);
  for (std::string_view known : {"OFF", "ON", "AUTO", "COMMENTED"}) {
    if (value == known) {
      s->out->set_gtid_purged = value;
      return Status::Ok();
    }
  }
  return InvalidArgument("option '--set-gtid-purged': '" + *v.text +
                         "' is not one of OFF, ON, AUTO, COMMENTED");
}

Status OnMaxAllowedPacket(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(s->out->max_allowed_packet, ParseBoundedSize(v, 4096, 1ull << 31, s));
  return Status::Ok();
}

Status OnNetBufferLength(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(s->out->net_buffer_length, ParseBoundedSize(v, 4096, 1ull << 24, s));
  return Status::Ok();
}

Status OnMaxStatementTime(const OptionValue& v, ParseState* s) {
  const std::string& t = *v.text;
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno != 0 || !std::isfinite(seconds) ||
      seconds < 0) {
    return NotANumber(v, "a number of seconds");
  }
  s->out->max_statement_time = seconds;
  return Status::Ok();
}

Status OnThreads(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(const unsigned n, ParseCount(v, 1024));
  s->out->threads = static_cast<int>(n);
  return Status::Ok();
}

// A port on the command line means TCP, even to localhost (MariaDB's clients since 10.6: a port
// alone never silently means the default socket); one in an option file does not.
Status OnPort(const OptionValue& v, ParseState* s) {
  ASSIGN_OR_RETURN(s->connection.port, ParseCount(v, 65535));
  GiveConnection(s, "port");
  if (v.command_line) s->protocol = "TCP";
  return Status::Ok();
}

// A socket on the command line undoes an earlier -P's TCP: a local server is reached through
// it (a remote --host still means TCP, as in the client library).
Status OnSocket(const OptionValue& v, ParseState* s) {
  s->connection.socket = v.text.value_or("");
  GiveConnection(s, "socket");
  if (v.command_line) s->protocol.clear();
  return Status::Ok();
}

// -p/--password in an option file (main() takes the command line's out first): a bare one asks.
Status OnPassword(const OptionValue& v, ParseState* s) {
  s->connection.password = v.text;
  s->connection.prompt_password = !v.text.has_value();
  GiveConnection(s, "password");
  return Status::Ok();
}

// --skip-ssl means no TLS; --ssl lets the --ssl-* options decide (myvault's default).
Status OnSsl(const OptionValue& v, ParseState* s) {
  if (!v.on) {
    s->connection.ssl_mode = "DISABLED";
  } else if (s->connection.ssl_mode == "DISABLED") {
    s->connection.ssl_mode.clear();
  }
  GiveConnection(s, "ssl-mode");
  return Status::Ok();
}

Status OnCompress(const OptionValue& v, ParseState* s) {
  s->connection.compress = v.on;
  GiveConnection(s, "compress");
  return Status::Ok();
}

Status OnSslVerifyServerCert(const OptionValue& v, ParseState* s) {
  s->connection.ssl_verify_server_cert = v.on;
  GiveConnection(s, "ssl-verify-server-cert");
  return Status::Ok();
}

Status OnDefaultCharacterSet(const OptionValue& v, ParseState* s) {
  s->out->default_character_set = *v.text;
  s->connection.default_character_set = *v.text;
  GiveConnection(s, "default-character-set");
  return Status::Ok();
}

// --disable-default-character-set (or --skip-): back to the default, as mysqldump reads it.
Status OnResetDefaultCharacterSet(const OptionValue& /*v*/, ParseState* s) {
  s->out->default_character_set = MysqldumpOptions().default_character_set;
  s->connection.default_character_set.clear();
  s->connection_given.erase("default-character-set");
  return Status::Ok();
}

Status OnProtocol(const OptionValue& v, ParseState* s) {
  const std::string p = Upper(*v.text);
  if (p == "TCP" || p == "SOCKET") {
    s->protocol = p;
    return Status::Ok();
  }
  if (p == "PIPE" || p == "MEMORY") {
    return InvalidArgument("option '--protocol': " + p + " is for Windows; use TCP or SOCKET");
  }
  return InvalidArgument("option '--protocol': '" + *v.text + "' is not one of TCP, SOCKET");
}

Status OnHelp(const OptionValue& /*v*/, ParseState* s) {
  s->out->help = true;
  s->stop = true;
  return Status::Ok();
}

Status OnVersion(const OptionValue& /*v*/, ParseState* s) {
  s->out->version = true;
  s->stop = true;
  return Status::Ok();
}

}  // namespace myvault::mysqldump::internal
