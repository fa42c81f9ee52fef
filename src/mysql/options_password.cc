// Passwords: taking them out of argv (and out of /proc/PID/cmdline), hiding what may be one from
// messages, and asking on the terminal.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "myvault/mysql/options.h"

namespace myvault::mysql {
namespace {

// If `arg` is -p[VALUE] or --password[=VALUE], returns where VALUE starts (at the terminating
// NUL when there is none) and sets *has_value; otherwise returns nullptr.
char* PasswordValue(char* arg, bool* has_value) {
  if (std::strncmp(arg, "-p", 2) == 0) {
    *has_value = arg[2] != '\0';
    return arg + 2;
  }
  if (std::strncmp(arg, "--password", 10) == 0 && (arg[10] == '\0' || arg[10] == '=')) {
    *has_value = arg[10] == '=';  // "--password=" gives an empty password, as in mysql
    return *has_value ? arg + 11 : arg + 10;
  }
  return nullptr;
}

// `--NAME=VALUE` with NAME containing "pass" or "pwd": a misspelt or abbreviated --password.
bool LooksLikePasswordOption(std::string_view arg) {
  if (arg.substr(0, 2) != "--") return false;
  const std::string_view name = arg.substr(2, arg.find('=') - 2);
  return arg.find('=') != std::string_view::npos && (name.find("pass") != std::string_view::npos ||
                                                     name.find("pwd") != std::string_view::npos);
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether text[pos, pos + len) stands alone: no word character continues it on either side
// (a side where the argument itself ends in a non-word character always counts).
bool StandsAlone(std::string_view text, size_t pos, std::string_view arg) {
  const size_t end = pos + arg.size();
  const bool left = pos == 0 || !IsWordChar(text[pos - 1]) || !IsWordChar(arg.front());
  const bool right = end == text.size() || !IsWordChar(text[end]) || !IsWordChar(arg.back());
  return left && right;
}

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one line byte by byte from a terminal in non-canonical mode, doing the line editing the
// terminal would: erase, kill line, end of file, and the interrupt character as a cancel.
Result<std::string> ReadHiddenLine(int fd, const termios& original) {
  std::string line;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("read password from terminal", errno);
    if (n == 0 || c == '\n' || c == '\r') return line;
    const cc_t uc = static_cast<cc_t>(c);
    if (uc == original.c_cc[VINTR]) return Cancelled("password prompt interrupted");
    if (uc == original.c_cc[VEOF]) return line;  // ^D submits, as in canonical mode
    if (uc == original.c_cc[VERASE] || c == '\b' || c == 0x7F) {
      if (!line.empty()) line.pop_back();
    } else if (uc == original.c_cc[VKILL]) {
      line.clear();
    } else {
      line.push_back(c);
    }
  }
}

}  // namespace

PasswordArg ExtractPasswordArgs(int* argc, char** argv) {
  PasswordArg result;
  if (*argc < 1) return result;
  int kept = 1;
  int i = 1;
  for (; i < *argc; ++i) {
    char* arg = argv[i];
    if (std::strcmp(arg, "--") == 0) break;
    bool has_value = false;
    char* value = PasswordValue(arg, &has_value);
    if (value == nullptr) {
      if (LooksLikePasswordOption(arg))
        result.unsafe_to_print.emplace_back(std::strchr(arg, '=') + 1);
      argv[kept++] = arg;
      continue;
    }
    const bool next_is_word = i + 1 < *argc && argv[i + 1][0] != '-' && argv[i + 1][0] != '\0';
    if (!has_value && next_is_word) result.unsafe_to_print.emplace_back(argv[i + 1]);
    result.given = true;
    result.value = has_value ? std::optional<std::string>(value) : std::nullopt;
    std::memset(value, 'x', std::strlen(value));
  }
  for (; i < *argc; ++i) argv[kept++] = argv[i];  // "--" and what follows, untouched
  *argc = kept;
  argv[kept] = nullptr;
  return result;
}

std::string HideUnsafeArguments(std::string_view text, const PasswordArg& password) {
  std::string out(text);
  for (const std::string& arg : password.unsafe_to_print) {
    if (arg.empty()) continue;
    constexpr std::string_view kHidden = "<hidden: may be a password>";
    for (size_t pos = out.find(arg); pos != std::string::npos; pos = out.find(arg, pos)) {
      if (StandsAlone(out, pos, arg)) {
        out.replace(pos, arg.size(), kHidden);
        pos += kHidden.size();
      } else {
        ++pos;
      }
    }
  }
  return out;
}

Result<std::string> PromptPasswordOn(int tty_fd, std::string_view prompt) {
  termios original;
  if (::tcgetattr(tty_fd, &original) != 0) {
    return InvalidArgument(std::string("cannot ask for the password: not a terminal: ") +
                           std::strerror(errno));
  }
  termios quiet = original;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | ISIG);
  quiet.c_cc[VMIN] = 1;
  quiet.c_cc[VTIME] = 0;
  // Quiet first, then the prompt: whatever is typed after the prompt appears is not echoed.
  if (::tcsetattr(tty_fd, TCSAFLUSH, &quiet) != 0) {
    return IoErrorFromErrno("prepare the terminal for the password prompt", errno);
  }
  if (!WriteAll(tty_fd, prompt)) {
    const int err = errno;
    ::tcsetattr(tty_fd, TCSAFLUSH, &original);
    return IoErrorFromErrno("write the password prompt", err);
  }
  Result<std::string> line = ReadHiddenLine(tty_fd, original);
  ::tcsetattr(tty_fd, TCSAFLUSH, &original);
  WriteAll(tty_fd, "\n");
  return line;
}

Result<std::string> PromptPassword(std::string_view prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return InvalidArgument(std::string("cannot ask for the password: no terminal (/dev/tty: ") +
                           std::strerror(errno) +
                           "); give it with --password=..., an option file or DB_PASSWORD");
  }
  Result<std::string> password = PromptPasswordOn(fd, prompt);
  ::close(fd);
  return password;
}

}  // namespace myvault::mysql
