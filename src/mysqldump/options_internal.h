// Private to src/mysqldump/options*.cc: the option table, the my_getopt-style parser that walks
// it, and the option-file front end.
//
// The pieces, in the order ParseMysqldumpArgs uses them:
//   TakeDefaultsArgs   the leading --no-defaults / --defaults-file / ... arguments
//   OptionFileArgs     option-file entries of the wanted groups as `--key[=value]` arguments
//   ParseArgs          one pass over file and command-line arguments, applying each option
//   ApplyOption        one option's effect on the ParseState (table-driven)
//
// Thread safety: pure functions; the table is immutable.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/options.h"
#include "myvault/mysqldump/options.h"
#include "myvault/status.h"

namespace myvault::mysqldump::internal {

// How an option takes a value (my_getopt's NO_ARG, GET_BOOL, REQUIRED_ARG, OPT_ARG).
enum class ArgKind {
  kNone,      // no value and no --skip-X form: --opt, --tables, --help
  kBool,      // --X, --X=1|0|ON|OFF|TRUE|FALSE, --skip-X, --disable-X, --enable-X
  kRequired,  // --X=V or --X V; -xV or -x V
  kOptional,  // --X or --X=V; -x or -xV; --skip-X sets the option's "off" value
};

// When a note or a rejection applies to a boolean option (other kinds: whenever given).
enum class When { kOn, kOff, kAlways };

// Everything parsed so far. Options write `out` directly; what needs the whole command line
// (positionals, -A/-B, connection precedence) is collected here and settled at the end.
struct ParseState {
  MysqldumpOptions* out = nullptr;
  mysql::ConnectionOptions connection;     // connection options from files and the command line
  std::set<std::string> connection_given;  // their field names (see mysql/options.h)
  bool all_databases = false;              // -A
  bool databases = false;                  // -B (--tables turns it off again)
  std::vector<std::string> positionals;    // `db [table ...]` or the -B names
  // --protocol, upper case, or TCP after a -P/--port on the command line; empty when not given
  // or after a -S/--socket on the command line (the last of these wins, as in MariaDB's clients).
  std::string protocol;
  bool stop = false;  // --help or --version: nothing after them counts
};

// One occurrence of an option, as handed to its handler.
struct OptionValue {
  std::string_view name;            // the option's full name, for messages
  std::optional<std::string> text;  // the value as given; nullopt when none
  bool on = true;                   // kBool: the boolean; kOptional: false for --skip-X
  bool command_line = true;         // false: from an option file
};

using Handler = Status (*)(const OptionValue& value, ParseState* state);

struct OptionSpec {
  std::string_view name = {};  // long name with dashes
  char short_name = 0;
  ArgKind arg = ArgKind::kBool;
  // The simple effects; any that are set apply, in this order, after the note/reject check.
  bool MysqldumpOptions::*flag = nullptr;                            // kBool
  std::string MysqldumpOptions::*text = nullptr;                     // kRequired
  std::string mysql::ConnectionOptions::*connection_text = nullptr;  // field named `name`
  Handler apply = nullptr;
  // Accepted but without effect in myvault: the reason, recorded in MysqldumpOptions::notes.
  std::string_view note = {};
  // Not supported: the reason, in a kInvalidArgument error.
  std::string_view reject = {};
  When when = When::kOn;  // which boolean value the note or rejection is about
  std::string_view value_name = "name";
  std::string_view help = {};  // one line for --help
};

// Every option mysqldump and mariadb-dump know, plus --threads; sorted by name.
std::span<const OptionSpec> OptionTable();

// Applies one occurrence: the note or rejection, then the spec's effects.
Status ApplyOption(const OptionSpec& spec, const OptionValue& value, ParseState* state);

// Adds `note` to state->out->notes unless it is there already.
void AddNote(ParseState* state, std::string note);

// ---- The parser (options_parse.cc) ----------------------------------------------------------

// One argument and where it came from.
struct Arg {
  std::string text;
  std::string source;         // "" for the command line, else "FILE [group]"
  bool shared_group = false;  // from [client], [client-server] or [client-mariadb]
};

// my_getopt's walk over `args`: options anywhere, `--` ends them, everything else is positional
// (positionals from an option file cannot happen: each file entry is a `--key` argument).
Status ParseArgs(const std::vector<Arg>& args, ParseState* state);

// The names that only work as leading arguments (--no-defaults, --defaults-file, ...).
bool IsDefaultsOption(std::string_view name);

// ---- Option files (options_files.cc) --------------------------------------------------------

struct DefaultsArgs {
  mysql::OptionSources sources;  // files to read and the groups wanted
  bool print_defaults = false;
  size_t consumed = 0;  // how many leading arguments these were
};

// Takes the leading --print-defaults, --no-defaults, --defaults-file=F, --defaults-extra-file=F
// and --defaults-group-suffix=S (in any order, each at most once) off `args`.
Result<DefaultsArgs> TakeDefaultsArgs(const std::vector<std::string>& args);

// The entries of the wanted groups of every option file, in file order, as arguments. Within one
// file the groups come in the order of sources.groups (the shared [client*] groups first).
Result<std::vector<Arg>> OptionFileArgs(const mysql::OptionSources& sources,
                                        const mysql::Environment& env);

// ASCII lower and upper case.
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);

}  // namespace myvault::mysqldump::internal
