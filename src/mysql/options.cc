// Connection options: environment defaults, option-file keys, the command-line merge, display.
#include "myvault/mysql/options.h"

#include <array>
#include <charconv>
#include <utility>

#include "mysql/options_internal.h"

extern char** environ;  // POSIX; read only by Environment::FromProcess()

namespace myvault::mysql {
namespace {

using StringMember = std::string ConnectionOptions::*;

struct StringField {
  std::string_view name;
  StringMember member;
  bool from_option_files;
};

// Fields whose value is a plain string; port, connect-timeout, ssl-verify-server-cert and
// password have their own handling below.
constexpr std::array<StringField, 11> kStringFields = {{
    {"host", &ConnectionOptions::host, true},
    {"socket", &ConnectionOptions::socket, true},
    {"user", &ConnectionOptions::user, true},
    {"database", &ConnectionOptions::database, false},
    {"ssl-mode", &ConnectionOptions::ssl_mode, true},
    {"ssl-ca", &ConnectionOptions::ssl_ca, true},
    {"ssl-capath", &ConnectionOptions::ssl_capath, true},
    {"ssl-cert", &ConnectionOptions::ssl_cert, true},
    {"ssl-key", &ConnectionOptions::ssl_key, true},
    {"ssl-cipher", &ConnectionOptions::ssl_cipher, true},
    {"default-character-set", &ConnectionOptions::default_character_set, true},
}};

const StringField* FindStringField(std::string_view name) {
  for (const StringField& f : kStringFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<unsigned> ParseUnsigned(std::string_view what, std::string_view text, unsigned min,
                               unsigned max) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument(std::string(what) + ": '" + std::string(text) +
                           "' is not a number from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return value;
}

Result<unsigned> ParsePort(std::string_view what, std::string_view text) {
  return ParseUnsigned(what, text, 1, 65535);
}

// my_getopt's booleans: a bare key is true; 1/ON/TRUE and 0/OFF/FALSE in any case.
Result<bool> ParseBool(std::string_view what, const std::optional<std::string>& text) {
  if (!text) return true;
  const std::string v = internal::AsciiLower(*text);
  if (v == "1" || v == "on" || v == "true") return true;
  if (v == "0" || v == "off" || v == "false") return false;
  return InvalidArgument(std::string(what) + ": '" + *text + "' is not a boolean");
}

Status ApplyOptionValue(const std::string& key, const std::optional<std::string>& value,
                        ConnectionOptions* o) {
  const std::string what = "option file: " + key;
  if (const StringField* f = FindStringField(key)) {
    if (f->from_option_files) o->*(f->member) = value.value_or("");
  } else if (key == "port") {
    ASSIGN_OR_RETURN(o->port, ParsePort(what, value.value_or("")));
  } else if (key == "connect-timeout") {
    ASSIGN_OR_RETURN(o->connect_timeout_s, ParseUnsigned(what, value.value_or(""), 0, 86400));
  } else if (key == "ssl-verify-server-cert") {
    ASSIGN_OR_RETURN(o->ssl_verify_server_cert, ParseBool(what, value));
  } else if (key == "compress") {
    ASSIGN_OR_RETURN(o->compress, ParseBool(what, value));
  } else if (key == "password") {
    o->password = value;  // a bare `password` asks on the terminal, like mysql
    o->prompt_password = !value.has_value();
  }
  return Status::Ok();
}

Status CopyFromCommandLine(const ConnectionOptions& cli, const std::string& name,
                           ConnectionOptions* o) {
  if (const StringField* f = FindStringField(name)) {
    o->*(f->member) = cli.*(f->member);
  } else if (name == "port") {
    o->port = cli.port;
  } else if (name == "connect-timeout") {
    o->connect_timeout_s = cli.connect_timeout_s;
  } else if (name == "ssl-verify-server-cert") {
    o->ssl_verify_server_cert = cli.ssl_verify_server_cert;
  } else if (name == "compress") {
    o->compress = cli.compress;
  } else if (name == "password") {
    o->password = cli.password;
    o->prompt_password = cli.prompt_password;
  } else {
    return Internal("unknown connection option '" + name + "' given on the command line");
  }
  return Status::Ok();
}

Status NormaliseSslMode(std::string* mode) {
  if (mode->empty()) return Status::Ok();
  const std::string lower = internal::AsciiLower(*mode);
  for (std::string_view known :
       {"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"}) {
    if (lower == internal::AsciiLower(known)) {
      *mode = known;
      return Status::Ok();
    }
  }
  return InvalidArgument("ssl-mode '" + *mode +
                         "' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
                         "VERIFY_IDENTITY");
}

// DB_USERNAME's password: DB_PASSWORD or the file DB_PASSWORD_FILE names.
Result<std::optional<std::string>> DbPassword(const Environment& env) {
  const std::optional<std::string> direct = env.Get("DB_PASSWORD");
  const std::optional<std::string> file = env.Get("DB_PASSWORD_FILE");
  if (direct && file) return InvalidArgument("DB_PASSWORD and DB_PASSWORD_FILE are both set");
  if (direct) return direct;
  if (!file) return std::optional<std::string>();
  std::string text;
  RETURN_IF_ERROR(internal::ReadSmallFile(*file, "DB_PASSWORD_FILE", &text));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return std::optional<std::string>(std::move(text));
}

}  // namespace

Environment Environment::FromProcess() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.vars.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::optional<std::string> Environment::Get(std::string_view name) const {
  const auto it = vars.find(std::string(name));
  if (it == vars.end()) return std::nullopt;
  return it->second;
}

Status ApplyOptionGroups(const OptionValues& values, ConnectionOptions* o) {
  for (const auto& [key, value] : values) RETURN_IF_ERROR(ApplyOptionValue(key, value, o));
  return Status::Ok();
}

EnvironmentScope EnvironmentScopeFor(const ConnectionOptions& cli,
                                     const std::set<std::string>& cli_given,
                                     const OptionValues& files, const Environment& env,
                                     bool db_variables) {
  EnvironmentScope scope;
  scope.db_variables = db_variables;
  const bool cli_endpoint =
      cli_given.count("host") + cli_given.count("port") + cli_given.count("socket") > 0;
  const bool file_endpoint = files.count("host") + files.count("port") > 0;
  scope.endpoint = db_variables && !cli_endpoint && !file_endpoint;
  std::optional<std::string> user;  // the user named on the command line or in a file
  if (cli_given.count("user") > 0) {
    user = cli.user;
  } else if (const auto it = files.find("user"); it != files.end()) {
    user = it->second.value_or("");
  }
  scope.db_password = db_variables && (!user || user == env.Get("DB_USERNAME"));
  return scope;
}

Status ApplyEnvironmentDefaults(const Environment& env, ConnectionOptions* o,
                                const EnvironmentScope& scope) {
  auto non_empty = [&](std::string_view name) {
    std::optional<std::string> v = env.Get(name);
    return v && !v->empty() ? v : std::nullopt;
  };
  if (scope.db_variables && scope.endpoint) {
    if (auto v = non_empty("DB_HOST")) o->host = *v;
    if (auto v = non_empty("DB_PORT")) {
      ASSIGN_OR_RETURN(o->port, ParsePort("DB_PORT", *v));
    }
  }
  if (scope.db_variables) {
    if (auto v = non_empty("DB_DATABASE")) o->database = *v;
    if (auto v = non_empty("DB_USERNAME")) o->user = *v;
  }
  std::optional<std::string> password;
  if (scope.db_variables && scope.db_password) {
    ASSIGN_OR_RETURN(password, DbPassword(env));
  }
  if (!password) password = env.Get("MYSQL_PWD");
  if (password) {
    o->password = std::move(password);
    o->prompt_password = false;
  }
  return Status::Ok();
}

Result<ConnectionOptions> ResolveConnectionOptions(const ConnectionOptions& cli,
                                                   const std::set<std::string>& cli_given,
                                                   const OptionSources& sources,
                                                   const Environment& env) {
  ConnectionOptions o;
  ASSIGN_OR_RETURN(const OptionValues values, LoadOptionGroups(sources, env));
  const EnvironmentScope scope =
      EnvironmentScopeFor(cli, cli_given, values, env, sources.db_variables);
  RETURN_IF_ERROR(ApplyEnvironmentDefaults(env, &o, scope));
  RETURN_IF_ERROR(ApplyOptionGroups(values, &o));
  for (const std::string& name : cli_given) RETURN_IF_ERROR(CopyFromCommandLine(cli, name, &o));
  RETURN_IF_ERROR(NormaliseSslMode(&o.ssl_mode));
  return o;
}

std::string DescribeTarget(const ConnectionOptions& o) {
  std::string target;
  if (o.host.empty() || o.host == "localhost") {
    target = "localhost via " + (o.socket.empty() ? std::string("the default socket") : o.socket);
  } else {
    const bool ipv6 = o.host.find(':') != std::string::npos;
    if (ipv6) target += '[';
    target += o.host;
    if (ipv6) target += ']';
    target += ':';
    target += std::to_string(o.port == 0 ? 3306 : o.port);
  }
  return o.user.empty() ? target : o.user + "@" + target;
}

}  // namespace myvault::mysql
