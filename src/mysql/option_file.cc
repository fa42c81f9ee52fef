// Option files (my.cnf): parsing, includes, and the merge of the wanted groups.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "mysql/options_internal.h"
#include "myvault/mysql/options.h"

namespace myvault::mysql {
namespace internal {

Status ReadSmallFile(const std::string& path, std::string_view what, std::string* out) {
  const std::string name = std::string(what) + " " + path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    Status s = IoErrorFromErrno(name, err);
    return err == ENOENT ? NotFound(s.message()) : s;
  }
  out->clear();
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return IoErrorFromErrno(name, err);
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

std::string_view TrimBlanks(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") + 1 - begin);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace internal

namespace {

using internal::TrimBlanks;
namespace fs = std::filesystem;

constexpr int kMaxIncludeDepth = 10;

Status ParseFile(const std::string& path, bool required, int depth, OptionFile* out);
Status ParseText(std::string_view text, const std::string& path, int depth, OptionFile* out);

// Cuts a `#` comment that starts outside quotes (mysql's remove_end_comment).
std::string_view StripEndComment(std::string_view line) {
  char quote = 0;
  bool escaped = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if ((c == '\'' || c == '"') && !escaped) {
      if (quote == 0) {
        quote = c;
      } else if (quote == c) {
        quote = 0;
      }
    } else if (quote == 0 && c == '#') {
      return line.substr(0, i);
    }
    escaped = quote != 0 && c == '\\' && !escaped;
  }
  return line;
}

// Removes one pair of matching outer quotes and decodes mysql's option-file escapes.
std::string DecodeValue(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  constexpr std::string_view kEscaped = "ntrbs\\\"'";
  constexpr std::string_view kMeaning = "\n\t\r\b \\\"'";
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out.push_back(v[i]);
      continue;
    }
    const char e = v[++i];
    const size_t k = kEscaped.find(e);
    if (k == std::string_view::npos) out.push_back('\\');
    out.push_back(k == std::string_view::npos ? e : kMeaning[k]);
  }
  return out;
}

std::string NormaliseKey(std::string_view key) {
  std::string k(key);
  std::replace(k.begin(), k.end(), '_', '-');
  constexpr std::string_view kLoose = "loose-";
  if (k.compare(0, kLoose.size(), kLoose) == 0) k.erase(0, kLoose.size());
  return k;
}

Status ParseOptionLine(std::string_view line, std::vector<OptionEntry>* entries) {
  const std::string_view body = StripEndComment(line);
  const size_t eq = body.find('=');
  const std::string_view key = TrimBlanks(body.substr(0, eq));
  if (key.empty()) return InvalidArgument("option without a name");
  OptionEntry entry{NormaliseKey(key), std::nullopt};
  entry.loose = NormaliseKey(key) != std::string(key) &&
                (key.substr(0, 6) == "loose-" || key.substr(0, 6) == "loose_");
  if (eq != std::string_view::npos) entry.value = DecodeValue(TrimBlanks(body.substr(eq + 1)));
  entries->push_back(std::move(entry));
  return Status::Ok();
}

// Reads the *.cnf files of `dir` in name order; a directory that cannot be read is skipped.
Status IncludeDir(const fs::path& dir, int depth, OptionFile* out) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".cnf") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) RETURN_IF_ERROR(ParseFile(file, false, depth, out));
  return Status::Ok();
}

// Handles `!include FILE` and `!includedir DIR`; other `!` lines are ignored, as by mysql.
Status ParseDirective(std::string_view line, const std::string& path, int depth, OptionFile* out) {
  const size_t word_end = line.find_first_of(" \t");
  const std::string_view word = line.substr(0, word_end);
  if (word != "!include" && word != "!includedir") return Status::Ok();
  const std::string_view target =
      word_end == std::string_view::npos ? std::string_view() : TrimBlanks(line.substr(word_end));
  if (target.empty()) return InvalidArgument(std::string(word) + " without a path");
  if (depth >= kMaxIncludeDepth) {
    return InvalidArgument("includes nested more than " + std::to_string(kMaxIncludeDepth) +
                           " deep (an include cycle?)");
  }
  const fs::path resolved = fs::path(path).parent_path() / fs::path(target);
  if (word == "!includedir") return IncludeDir(resolved, depth + 1, out);
  return ParseFile(resolved.string(), false, depth + 1, out);
}

Status ParseText(std::string_view text, const std::string& path, int depth, OptionFile* out) {
  std::vector<OptionEntry>* group = nullptr;
  size_t line_no = 0;
  for (size_t begin = 0; begin < text.size();) {
    const size_t nl = std::min(text.find('\n', begin), text.size());
    const std::string_view line = TrimBlanks(text.substr(begin, nl - begin));
    begin = nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (line.front() == '!') {
      RETURN_IF_ERROR(ParseDirective(line, path, depth, out).WithContext(where));
    } else if (line.front() == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos) return InvalidArgument(where + ": group without ']'");
      group = &out->groups[internal::AsciiLower(TrimBlanks(line.substr(1, close - 1)))];
    } else if (group == nullptr) {
      return InvalidArgument(where + ": option '" + std::string(StripEndComment(line)) +
                             "' before any [group]");
    } else {
      RETURN_IF_ERROR(ParseOptionLine(line, group).WithContext(where));
    }
  }
  return Status::Ok();
}

// Parses `path` into *out; when it cannot be read, fails if `required`, else adds nothing.
Status ParseFile(const std::string& path, bool required, int depth, OptionFile* out) {
  std::string text;
  if (Status s = internal::ReadSmallFile(path, "option file", &text); !s.ok()) {
    return required ? s : Status::Ok();
  }
  return ParseText(text, path, depth, out);
}

}  // namespace

Result<OptionFile> ParseOptionFile(const std::string& path) {
  OptionFile file;
  RETURN_IF_ERROR(ParseFile(path, true, 0, &file));
  return file;
}

Status ParseOptionFileText(std::string_view text, const std::string& path, OptionFile* out) {
  return ParseText(text, path, 0, out);
}

Result<std::vector<OptionFileToRead>> OptionFilesToRead(const OptionSources& sources,
                                                        const Environment& env) {
  if (sources.no_defaults) {
    if (sources.defaults_file || sources.defaults_extra_file) {
      return InvalidArgument(
          "--no-defaults cannot be combined with --defaults-file or "
          "--defaults-extra-file");
    }
    return std::vector<OptionFileToRead>{};
  }
  if (sources.defaults_file) {
    if (sources.defaults_extra_file) {
      return InvalidArgument("--defaults-file cannot be combined with --defaults-extra-file");
    }
    return std::vector<OptionFileToRead>{{*sources.defaults_file, true}};
  }
  std::vector<OptionFileToRead> files = {{"/etc/my.cnf", false}, {"/etc/mysql/my.cnf", false}};
  if (auto home = env.Get("MYSQL_HOME"); home && !home->empty()) {
    files.push_back({*home + "/my.cnf", false});
  }
  if (sources.defaults_extra_file) files.push_back({*sources.defaults_extra_file, true});
  if (auto home = env.Get("HOME"); home && !home->empty()) {
    files.push_back({*home + "/.my.cnf", false});
  }
  return files;
}

Result<OptionValues> LoadOptionGroups(const OptionSources& sources, const Environment& env) {
  ASSIGN_OR_RETURN(const std::vector<OptionFileToRead> files, OptionFilesToRead(sources, env));
  OptionValues values;
  for (const OptionFileToRead& f : files) {
    OptionFile parsed;
    RETURN_IF_ERROR(ParseFile(f.path, f.required, 0, &parsed));
    for (const std::string& name : sources.groups) {
      const auto group = parsed.groups.find(internal::AsciiLower(name));
      if (group == parsed.groups.end()) continue;
      for (const OptionEntry& e : group->second) values[e.key] = e.value;
    }
  }
  return values;
}

}  // namespace myvault::mysql
