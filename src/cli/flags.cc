#include "flags.h"

#include <cctype>
#include <charconv>

namespace myvault::cli {

void ConnectionFlags::Register(CLI::App* a) {
  app = a;
  a->add_option("-h,--host", given.host, "Server host (default: DB_HOST)");
  a->add_option("-P,--port", port_text,
                "Server TCP port (default: DB_PORT); without -h, TCP to 127.0.0.1");
  a->add_option("-S,--socket", given.socket, "Unix socket file");
  // -p is read before CLI11 sees the command line (mysqldump semantics: `-p db` prompts and
  // keeps `db`), so it is described here rather than registered.
  a->footer(
      "  -p, --password[=PASSWORD]   Password; alone, prompt on the terminal. Prefer an option\n"
      "                              file or DB_PASSWORD_FILE: a password on the command line\n"
      "                              shows in ps.\n\n"
      "Connection settings: flags, then option files, then the environment. DB_HOST and\n"
      "DB_PORT count only while no -h, -P, -S (nor an option file's host or port) names the\n"
      "server; DB_PASSWORD and DB_PASSWORD_FILE only for DB_USERNAME, not once -u or an\n"
      "option file names another user. MYSQL_PWD is the last resort, for any user.");
  a->add_option("-u,--user", given.user, "User name (default: DB_USERNAME)");
  a->add_option("--defaults-file", sources.defaults_file,
                "Read options only from this file ([client] and [myvault] groups)");
  a->add_option("--defaults-extra-file", sources.defaults_extra_file,
                "Read this option file after the default ones");
  a->add_flag("--no-defaults", sources.no_defaults,
              "Read no option file (the environment still applies)");
  a->add_option("--ssl-mode", given.ssl_mode,
                "DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
                "VERIFY_IDENTITY");
  a->add_option("--ssl-ca", given.ssl_ca, "TLS CA file");
  a->add_option("--ssl-capath", given.ssl_capath, "TLS CA directory");
  a->add_option("--ssl-cert", given.ssl_cert, "TLS client certificate");
  a->add_option("--ssl-key", given.ssl_key, "TLS client key");
  a->add_option("--ssl-cipher", given.ssl_cipher, "TLS ciphers");
  a->add_flag("--ssl-verify-server-cert", given.ssl_verify_server_cert,
              "Verify the server certificate's host name");
}

Result<mysql::ConnectionOptions> ConnectionFlags::Resolve(const mysql::PasswordArg& pw) const {
  ASSIGN_OR_RETURN(mysql::ConnectionOptions o, Merge(pw, mysql::Environment::FromProcess()));
  if (o.prompt_password) {
    ASSIGN_OR_RETURN(std::string p, mysql::PromptPassword("Enter password: "));
    o.password = std::move(p);
  }
  return o;
}

Result<mysql::ConnectionOptions> ConnectionFlags::Merge(const mysql::PasswordArg& pw,
                                                        const mysql::Environment& env) const {
  mysql::ConnectionOptions cli = given;
  std::set<std::string> cli_given;
  auto mark = [&](const char* flag, const char* field) {
    if (app->count(flag) > 0) cli_given.insert(field);
  };
  mark("--host", "host");
  mark("--socket", "socket");
  mark("--user", "user");
  mark("--ssl-mode", "ssl-mode");
  mark("--ssl-ca", "ssl-ca");
  mark("--ssl-capath", "ssl-capath");
  mark("--ssl-cert", "ssl-cert");
  mark("--ssl-key", "ssl-key");
  mark("--ssl-cipher", "ssl-cipher");
  if (app->count("--ssl-verify-server-cert") > 0) cli_given.insert("ssl-verify-server-cert");
  if (app->count("--port") > 0) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return InvalidArgument("--port must be a number from 1 to 65535, got '" + port_text + "'");
    }
    cli.port = port;
    cli_given.insert("port");
  }
  if (pw.given) {
    cli.password = pw.value;
    cli.prompt_password = !pw.value.has_value();
    cli_given.insert("password");
  }
  ASSIGN_OR_RETURN(mysql::ConnectionOptions o,
                   mysql::ResolveConnectionOptions(cli, cli_given, sources, env));
  const bool local = o.host.empty() || o.host == "localhost";
  if (cli_given.count("port") > 0 && cli_given.count("socket") == 0 && local) o.host = "127.0.0.1";
  return o;
}

CLI::Option* AddListOption(CLI::App* app, const std::string& name, std::vector<std::string>* values,
                           const std::string& help) {
  return app->add_option(name, *values, help)
      ->delimiter(',')
      ->expected(1, -1)
      ->allow_extra_args(true)
      ->type_name("NAME");
}

Result<ProgressMode> ParseProgressMode(std::string_view progress, bool quiet) {
  ProgressMode mode;
  if (progress == "none")
    mode = ProgressMode::kQuiet;
  else if (progress == "bar")
    mode = ProgressMode::kBar;
  else if (progress == "lines")
    mode = ProgressMode::kLines;
  else if (progress == "auto")
    mode = ProgressMode::kAuto;
  else
    return InvalidArgument("--progress must be auto, bar, lines or none");
  return quiet ? ProgressMode::kQuiet : mode;
}

Result<uint64_t> ParseSize(std::string_view text) {
  uint64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p == text.data()) {
    return InvalidArgument("not a size: '" + std::string(text) + "'");
  }
  std::string unit(p, text.data() + text.size());
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  uint64_t mult = 1;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    mult = 1ull << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    mult = 1ull << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    mult = 1ull << 30;
  else
    return InvalidArgument("unknown size unit in '" + std::string(text) + "' (use K, M or G)");
  if (value > (UINT64_MAX >> 30))
    return InvalidArgument("size too large: '" + std::string(text) + "'");
  return value * mult;
}

}  // namespace myvault::cli
