// Option files for mysqldump mode: the leading --defaults-* arguments, and the entries of the
// wanted groups turned into `--key[=value]` arguments that go before the command line.
#include <algorithm>
#include <utility>

#include "mysqldump/options_internal.h"

namespace myvault::mysqldump::internal {
namespace {

// The groups mariadb-dump reads; the [client*] ones are shared with other client tools.
constexpr std::string_view kGroups[] = {"client", "client-server", "client-mariadb", "mysqldump",
                                        "mariadb-dump"};

// [client], [client-server], [client-mariadb], with or without a --defaults-group-suffix.
bool IsShared(std::string_view group) { return group.rfind("client", 0) == 0; }

// Sets *slot from `--name=value`; an option given twice or without a value is an error.
Status TakeValue(std::string_view arg, std::string_view name, std::optional<std::string>* slot) {
  if (slot->has_value()) return InvalidArgument("option '--" + std::string(name) + "' given twice");
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos) {
    return InvalidArgument("option '--" + std::string(name) + "' needs a value: --" +
                           std::string(name) + "=VALUE");
  }
  *slot = std::string(arg.substr(eq + 1));
  return Status::Ok();
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Result<DefaultsArgs> TakeDefaultsArgs(const std::vector<std::string>& args) {
  DefaultsArgs d;
  bool no_defaults = false;
  std::optional<std::string> suffix;
  for (; d.consumed < args.size(); ++d.consumed) {
    const std::string& arg = args[d.consumed];
    if (arg.rfind("--", 0) != 0) break;
    std::string name =
        arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
    std::replace(name.begin(), name.end(), '_', '-');
    if (!IsDefaultsOption(name)) break;
    if (name == "no-defaults" || name == "print-defaults") {
      bool& flag = name == "no-defaults" ? no_defaults : d.print_defaults;
      if (flag) return InvalidArgument("option '--" + name + "' given twice");
      if (arg.find('=') != std::string::npos) {
        return InvalidArgument("option '--" + name + "' cannot take an argument");
      }
      flag = true;
    } else if (name == "defaults-file") {
      RETURN_IF_ERROR(TakeValue(arg, name, &d.sources.defaults_file));
    } else if (name == "defaults-extra-file") {
      RETURN_IF_ERROR(TakeValue(arg, name, &d.sources.defaults_extra_file));
    } else {
      RETURN_IF_ERROR(TakeValue(arg, name, &suffix));
    }
  }
  d.sources.no_defaults = no_defaults;
  d.sources.groups.clear();
  for (std::string_view g : kGroups) {
    d.sources.groups.emplace_back(g);
    if (suffix && !suffix->empty()) d.sources.groups.push_back(std::string(g) + Lower(*suffix));
  }
  return d;
}

Result<std::vector<Arg>> OptionFileArgs(const mysql::OptionSources& sources,
                                        const mysql::Environment& env) {
  ASSIGN_OR_RETURN(const std::vector<mysql::OptionFileToRead> files,
                   mysql::OptionFilesToRead(sources, env));
  std::vector<Arg> args;
  for (const mysql::OptionFileToRead& f : files) {
    Result<mysql::OptionFile> parsed = mysql::ParseOptionFile(f.path);
    if (!parsed.ok()) {
      const StatusCode code = parsed.status().code();
      const bool unreadable = code == StatusCode::kNotFound || code == StatusCode::kIo;
      if (unreadable && !f.required) continue;  // mysqldump skips missing default files
      return parsed.status();
    }
    for (const std::string& group : sources.groups) {
      const auto it = parsed->groups.find(group);
      if (it == parsed->groups.end()) continue;
      for (const mysql::OptionEntry& e : it->second) {
        std::string text = (e.loose ? "--loose-" : "--") + e.key;
        if (e.value) text += "=" + *e.value;
        args.push_back({std::move(text), f.path + " [" + group + "]", IsShared(group)});
      }
    }
  }
  return args;
}

}  // namespace myvault::mysqldump::internal
