#include "restore/confirm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace myvault::restore {

bool IsConfirmation(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                           line.back() == '\n')) {
    line.remove_suffix(1);
  }
  return line == "CONFIRMO RESTORE" || line == "RESTORE";
}

Result<bool> ConfirmOn(int in_fd, int out_fd, const std::string& summary,
                       const ErrorCollector* errors) {
  const std::string text = summary + "Type CONFIRMO RESTORE (or RESTORE) to continue: ";
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(out_fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoErrorFromErrno("write to the terminal", errno);
    done += static_cast<size_t>(n);
  }
  std::string line;
  char c = 0;
  while (true) {
    if (errors != nullptr && errors->cancelled()) return errors->first();
    pollfd p{in_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return IoErrorFromErrno("wait for the terminal", errno);
    if (ready <= 0) continue;
    ssize_t n = ::read(in_fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoErrorFromErrno("read from the terminal", errno);
    if (n == 0) {
      if (line.empty()) return Cancelled("restore cancelled: no confirmation was typed");
      break;
    }
    if (c == '\n') break;
    if (line.size() < 256) line += c;
  }
  return IsConfirmation(line);
}

Status CheckTerminal(const std::string& terminal) {
  int fd = ::open(terminal.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return InvalidArgument("refusing to restore without confirmation: no terminal to ask on (" +
                           terminal + "); pass --yes to restore unattended");
  }
  ::close(fd);
  return Status::Ok();
}

Result<bool> Confirm(const std::string& terminal, const std::string& summary,
                     const ErrorCollector* errors) {
  RETURN_IF_ERROR(CheckTerminal(terminal));
  int fd = ::open(terminal.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open " + terminal, errno);
  auto confirmed = ConfirmOn(fd, fd, summary, errors);
  ::close(fd);
  return confirmed;
}

}  // namespace myvault::restore
