// Connection options, resolved the way mysqldump resolves them.
//
// Where each setting comes from, highest priority first: the command line, option files
// (my.cnf: groups [client], [client-server], [client-mariadb], then [myvault]), the environment,
// and the built-in defaults of ConnectionOptions. ResolveConnectionOptions() does the whole merge;
// the pieces are public so that each can be tested alone. Nothing here reads the process
// environment directly: the caller passes an Environment value (Environment::FromProcess() in
// main).
//
// The environment is an application's (DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD,
// DB_PASSWORD_FILE) plus the mysql client's MYSQL_PWD, and it fills only what nothing above it
// says, by these rules (EnvironmentScopeFor):
//   - DB_HOST and DB_PORT are one endpoint, used whole or not at all: not when the command line
//     names a host, port or socket, nor when an option file names a host or a port. (An option
//     file's `socket` alone does not count: distributions put the local server's socket in
//     [client-server] of /etc/mysql, as Debian's mariadb-common does in the myvault image.)
//   - DB_PASSWORD and DB_PASSWORD_FILE are DB_USERNAME's password: not used (not even read) when
//     the command line or an option file names another user.
//   - MYSQL_PWD keeps its mysql meaning, the password of whichever user connects, below every
//     other source (the client library reads it likewise when given no password).
//   - OptionSources::db_variables false (mysqldump mode) reads no DB_* variable at all.
// --no-defaults skips the option files only, as in mysql: the environment still applies under
// the same rules. The client library itself also reads MYSQL_TCP_PORT and MYSQL_UNIX_PORT for a
// port or socket that nothing gives.
//
// Passwords follow mysqldump: `-p`/`--password` alone asks on the terminal (it never takes the next
// argument), `-pSECRET`/`--password=SECRET` give it; ExtractPasswordArgs() takes these out of argv
// before CLI11 sees it and overwrites the secret in place so it does not show in /proc/PID/cmdline.
// Resolution never prompts; when the result has prompt_password set, the caller calls
// PromptPassword() before connecting.
//
// Thread safety: everything here is a pure function of its arguments except ExtractPasswordArgs
// (mutates argv), PromptPassword (uses the terminal) and Environment::FromProcess (reads environ);
// call those from main() only.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::mysql {

// Field names, as used in `cli_given` and as option-file keys: host port socket user password
// database ssl-mode ssl-ca ssl-capath ssl-cert ssl-key ssl-cipher ssl-verify-server-cert
// default-character-set connect-timeout. Option files cannot set `database` ([client] may hold
// one meant for the mysql client).
struct ConnectionOptions {
  std::string host;   // empty or "localhost": Unix socket; otherwise TCP
  unsigned port = 0;  // 0: the client library's default (3306)
  std::string socket;
  std::string user;
  std::optional<std::string> password;
  bool prompt_password = false;  // ask on the terminal before connecting
  std::string database;          // from DB_DATABASE or the command line
  std::string ssl_mode;          // "", or one of DISABLED PREFERRED REQUIRED VERIFY_CA
                                 // VERIFY_IDENTITY (upper case after resolution)
  std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher;
  bool ssl_verify_server_cert = false;
  std::string default_character_set;
  unsigned connect_timeout_s = 10;
  bool compress = false;  // compress the client/server protocol (zlib), as mysql --compress
  // A read from the server that waits longer fails as a lost connection (0: no bound). Set by
  // code, never by the user: the binlog reader bounds its wait for the next event with it.
  unsigned read_timeout_s = 0;
};

// The process environment as a value.
struct Environment {
  std::map<std::string, std::string> vars;

  static Environment FromProcess();
  std::optional<std::string> Get(std::string_view name) const;
};

// ---- Option files ---------------------------------------------------------------------------

struct OptionEntry {
  std::string key;                   // normalised: '_' -> '-', "loose-" prefix removed
  std::optional<std::string> value;  // nullopt for a bare key (`password` alone: prompt)
  bool loose = false;                // the file said loose-KEY: ignore it if KEY is unknown
};

struct OptionFile {
  // Group name (lower case) -> its entries in file order, !include'd files spliced in place.
  std::map<std::string, std::vector<OptionEntry>> groups;
};

// Parses one option file as mysql does: [group] lines, `key`, `key = value`, values optionally in
// single or double quotes, escapes \n \t \r \b \s \\ \" \' in values (another escaped character
// keeps its backslash), `#` or `;` comment lines, `#` comments after a value outside quotes,
// `!include FILE` and `!includedir DIR` (its *.cnf files in name order; relative paths are taken
// from the including file's directory). An option before any group is an error naming file and
// line. A missing `path` is kNotFound naming it; included files that cannot be opened are skipped,
// as mysql skips them.
Result<OptionFile> ParseOptionFile(const std::string& path);

// Parses `text` as if it were the contents of the file `path` (which names it in errors and
// anchors relative includes) and adds its entries to *out.
Status ParseOptionFileText(std::string_view text, const std::string& path, OptionFile* out);

struct OptionSources {
  std::optional<std::string> defaults_file;        // read only this file; must exist
  std::optional<std::string> defaults_extra_file;  // must exist
  bool no_defaults = false;                        // read no file at all
  std::vector<std::string> groups = {"client", "client-server", "client-mariadb", "myvault"};
  // Whether the DB_* variables count; false in mysqldump mode, which reads only what mysqldump
  // reads (MYSQL_PWD here, MYSQL_TCP_PORT and MYSQL_UNIX_PORT in the client library).
  bool db_variables = true;
};

struct OptionFileToRead {
  std::string path;
  bool required;  // an error if it cannot be read; otherwise skipped
};

// The files LoadOptionGroups reads, in order (later ones win). Without --defaults-file, in
// mysql's order: /etc/my.cnf, /etc/mysql/my.cnf, $MYSQL_HOME/my.cnf, --defaults-extra-file,
// $HOME/.my.cnf. --no-defaults combined with a file, or --defaults-file combined with
// --defaults-extra-file, is kInvalidArgument.
Result<std::vector<OptionFileToRead>> OptionFilesToRead(const OptionSources& sources,
                                                        const Environment& env);

using OptionValues = std::map<std::string, std::optional<std::string>>;

// Merges the wanted groups of every file: files in order, and within a file the groups in the
// order of sources.groups, each later value replacing an earlier one for the same key.
Result<OptionValues> LoadOptionGroups(const OptionSources& sources, const Environment& env);

// Applies the connection keys in `values` (see the field names above) to *o; other keys are
// ignored, since [client] also holds other tools' options. A malformed port, timeout or boolean
// is kInvalidArgument naming the key.
Status ApplyOptionGroups(const OptionValues& values, ConnectionOptions* o);

// Which environment variables apply (see the rules at the top).
struct EnvironmentScope {
  bool db_variables = true;  // DB_DATABASE and DB_USERNAME; false turns the two below off too
  bool endpoint = true;      // DB_HOST and DB_PORT
  bool db_password = true;   // DB_PASSWORD or DB_PASSWORD_FILE
};

// The scope left by what the command line (`cli` and the names in `cli_given`) and the option
// files (`files`) say.
EnvironmentScope EnvironmentScopeFor(const ConnectionOptions& cli,
                                     const std::set<std::string>& cli_given,
                                     const OptionValues& files, const Environment& env,
                                     bool db_variables);

// Applies, within `scope`, DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, and the password from
// DB_PASSWORD, or the file named by DB_PASSWORD_FILE (one trailing newline removed), or else
// MYSQL_PWD. Empty variables other than the password ones are ignored. Both DB_PASSWORD and
// DB_PASSWORD_FILE set, an unreadable password file, or a malformed DB_PORT is an error when
// that variable is in scope; out of scope it is not looked at.
Status ApplyEnvironmentDefaults(const Environment& env, ConnectionOptions* o,
                                const EnvironmentScope& scope = {});

// The full merge: built-in defaults < environment (within EnvironmentScopeFor) < option files <
// the fields of `cli` named in `cli_given` ("password" takes both password and prompt_password
// from `cli`). Validates the result (ssl-mode); an unknown name in `cli_given` is kInternal.
Result<ConnectionOptions> ResolveConnectionOptions(const ConnectionOptions& cli,
                                                   const std::set<std::string>& cli_given,
                                                   const OptionSources& sources,
                                                   const Environment& env);

// ---- Passwords and display ------------------------------------------------------------------

struct PasswordArg {
  bool given = false;                // some -p/--password appeared (the last one counts)
  std::optional<std::string> value;  // nullopt: prompt
  // Arguments that may be passwords although they are not taken as one, never to be printed
  // (HideUnsafeArguments): the one right after a bare -p/--password when it is not an option
  // (mysqldump reads `-p S3cret db` as "prompt, then the names S3cret and db"), and the value of
  // any other `--NAME=VALUE` whose NAME contains "pass" or "pwd" (--passwd=, --pass=, ...).
  std::vector<std::string> unsafe_to_print;
};

// Removes every `-p`, `-pVALUE`, `--password`, `--password=VALUE` before a `--` from argv,
// shifting the rest down and updating *argc (argv[*argc] becomes nullptr), overwrites each
// VALUE in the original argument memory with 'x', and notes what is unsafe to print.
PasswordArg ExtractPasswordArgs(int* argc, char** argv);

// `text` with every whole occurrence of an argument in password.unsafe_to_print (not one inside
// a longer word) replaced by "<hidden: may be a password>": for every message that can quote
// the command line (argument errors, file names, database names).
std::string HideUnsafeArguments(std::string_view text, const PasswordArg& password);

// Asks for a password on /dev/tty with echo off and returns the line typed. kInvalidArgument
// when the process has no terminal; kCancelled on Ctrl-C. The terminal settings are restored
// before returning.
Result<std::string> PromptPassword(std::string_view prompt);
// The same on an open terminal descriptor (a pty in tests).
Result<std::string> PromptPasswordOn(int tty_fd, std::string_view prompt);

// "root@127.0.0.1:3306", "root@[::1]:3306" or "root@localhost via /run/mysqld/mysqld.sock",
// for log lines; never includes the password.
std::string DescribeTarget(const ConnectionOptions& o);

}  // namespace myvault::mysql
