// The my_getopt-style walk over the arguments: long options with unambiguous prefixes,
// underscores as dashes, --skip-/--disable-/--enable-/--loose- prefixes, clustered short options.
#include <algorithm>

#include "mysqldump/options_internal.h"

namespace myvault::mysqldump::internal {
namespace {

// Where an argument came from, for messages: "" on the command line.
std::string From(const Arg& a) { return a.source.empty() ? "" : " (in " + a.source + ")"; }

struct Lookup {
  const OptionSpec* spec = nullptr;     // the option found
  std::vector<std::string_view> names;  // several: the prefix is ambiguous
};

// An exact name, else the one option `name` is a prefix of. `exact_only` for the shared
// [client*] groups, which hold other tools' options: a prefix of ours is not meant for us.
Lookup Find(std::string_view name, bool exact_only) {
  Lookup found;
  if (name.empty()) return found;
  for (const OptionSpec& spec : OptionTable()) {
    if (spec.name == name) return {&spec, {spec.name}};
    if (!exact_only && spec.name.substr(0, name.size()) == name) {
      found.spec = &spec;
      found.names.push_back(spec.name);
    }
  }
  if (found.names.size() != 1) found.spec = nullptr;
  return found;
}

std::string Joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

Result<bool> ParseBool(std::string_view option, const std::string& text) {
  const std::string v = Lower(text);
  if (v == "1" || v == "on" || v == "true") return true;
  if (v == "0" || v == "off" || v == "false") return false;
  return InvalidArgument("option '--" + std::string(option) + "': '" + text +
                         "' is not a boolean (1, 0, ON, OFF, TRUE or FALSE)");
}

class Parser {
 public:
  Parser(const std::vector<Arg>& args, ParseState* state) : args_(args), state_(state) {}

  Status Run() {
    bool options_ended = false;
    for (i_ = 0; i_ < args_.size() && !state_->stop; ++i_) {
      const std::string& text = args_[i_].text;
      if (options_ended || text.size() < 2 || text[0] != '-') {
        state_->positionals.push_back(text);
      } else if (text == "--") {
        options_ended = true;
      } else if (text[1] == '-') {
        RETURN_IF_ERROR(Long(text.substr(2)));
      } else {
        RETURN_IF_ERROR(Shorts(text.substr(1)));
      }
    }
    return Status::Ok();
  }

 private:
  const Arg& Current() const { return args_[i_]; }

  // The next command-line argument as the value of a kRequired option; file entries never
  // take one (a bare `host` in a file is an error, not a grab of the command line's first word).
  std::optional<std::string> TakeNext() {
    if (!Current().source.empty() || i_ + 1 >= args_.size() || !args_[i_ + 1].source.empty()) {
      return std::nullopt;
    }
    return args_[++i_].text;
  }

  Status Long(std::string_view body) {
    const size_t eq = body.find('=');
    std::string name(body.substr(0, eq));
    std::replace(name.begin(), name.end(), '_', '-');
    std::optional<std::string> value;
    if (eq != std::string_view::npos) value = std::string(body.substr(eq + 1));
    const std::string given = "--" + std::string(body.substr(0, eq));
    if (Current().source.empty() && IsDefaultsOption(name)) {
      return InvalidArgument("option '" + given +
                             "' must come before every other argument, as in mysqldump");
    }
    bool loose = false;
    std::optional<bool> prefix_on;  // set by --skip-/--disable- (false) or --enable- (true)
    Lookup found;
    for (;;) {
      found = Find(name, Current().shared_group);
      if (found.spec != nullptr || found.names.size() > 1) break;
      if (!loose && name.rfind("loose-", 0) == 0) {
        loose = true;
        name.erase(0, 6);
      } else if (!prefix_on && (name.rfind("skip-", 0) == 0 || name.rfind("disable-", 0) == 0)) {
        prefix_on = false;
        name.erase(0, name.find('-') + 1);
      } else if (!prefix_on && name.rfind("enable-", 0) == 0) {
        prefix_on = true;
        name.erase(0, 7);
      } else {
        break;
      }
    }
    if (found.names.size() > 1) {
      return InvalidArgument("ambiguous option '" + given + "' (" + Joined(found.names) + ")" +
                             From(Current()));
    }
    if (found.spec == nullptr) {
      if (Current().shared_group) return Status::Ok();  // another tool's option
      if (loose) {
        AddNote(state_, "unknown option '" + given + "' ignored" + From(Current()));
        return Status::Ok();
      }
      return InvalidArgument("unknown option '" + given + "'" + From(Current()));
    }
    return ApplyLong(*found.spec, prefix_on, std::move(value));
  }

  Status ApplyLong(const OptionSpec& spec, std::optional<bool> prefix_on,
                   std::optional<std::string> value) {
    const std::string dashed = "--" + std::string(spec.name);
    OptionValue v{spec.name, std::move(value), prefix_on.value_or(true), Current().source.empty()};
    switch (spec.arg) {
      case ArgKind::kNone:
        if (prefix_on) {
          return InvalidArgument("option '" + dashed + "' has no --skip-, --disable- or " +
                                 "--enable- form" + From(Current()));
        }
        if (v.text) {
          return InvalidArgument("option '" + dashed + "' cannot take an argument" +
                                 From(Current()));
        }
        break;
      case ArgKind::kBool:
        if (v.text) {
          ASSIGN_OR_RETURN(const bool b, ParseBool(spec.name, *v.text));
          v.on = v.on == b;  // --skip-X=0 turns X on
        }
        break;
      case ArgKind::kRequired:
        if (prefix_on) {
          return InvalidArgument("option '" + dashed + "' takes a value and cannot be negated" +
                                 From(Current()));
        }
        if (!v.text) v.text = TakeNext();
        if (!v.text) {
          return InvalidArgument("option '" + dashed + "' requires an argument" + From(Current()));
        }
        break;
      case ArgKind::kOptional:
        if (prefix_on && v.text) {
          return InvalidArgument("option '--skip-" + std::string(spec.name) +
                                 "' cannot take an argument" + From(Current()));
        }
        break;
    }
    return ApplyOption(spec, v, state_);
  }

  // A cluster of short options: -cq, -uroot, -u root, -P3306.
  Status Shorts(std::string_view cluster) {
    for (size_t j = 0; j < cluster.size(); ++j) {
      const OptionSpec* spec = nullptr;
      for (const OptionSpec& s : OptionTable()) {
        if (s.short_name == cluster[j]) spec = &s;
      }
      if (spec == nullptr) {
        return InvalidArgument("unknown option '-" + std::string(1, cluster[j]) + "'");
      }
      OptionValue v{spec->name, std::nullopt, true, Current().source.empty()};
      const std::string_view rest = cluster.substr(j + 1);
      const bool takes_value = spec->arg == ArgKind::kRequired || spec->arg == ArgKind::kOptional;
      if (takes_value && !rest.empty()) v.text = std::string(rest);
      if (spec->arg == ArgKind::kRequired && rest.empty()) {
        v.text = TakeNext();
        if (!v.text) {
          return InvalidArgument("option '-" + std::string(1, cluster[j]) +
                                 "' requires an argument");
        }
      }
      RETURN_IF_ERROR(ApplyOption(*spec, v, state_));
      if (takes_value || state_->stop) break;
    }
    return Status::Ok();
  }

  const std::vector<Arg>& args_;
  ParseState* state_;
  size_t i_ = 0;
};

}  // namespace

bool IsDefaultsOption(std::string_view name) {
  return name == "no-defaults" || name == "print-defaults" || name == "defaults-file" ||
         name == "defaults-extra-file" || name == "defaults-group-suffix";
}

Status ParseArgs(const std::vector<Arg>& args, ParseState* state) {
  return Parser(args, state).Run();
}

}  // namespace myvault::mysqldump::internal
