// The operator's confirmation before a restore changes a server.
//
// The summary is printed on the terminal and the operator types CONFIRMO RESTORE (the seed
// script's phrase) or RESTORE. The terminal is /dev/tty, not stdin (which may carry the archive),
// so a restore without a terminal (cron, CI, a container without -t) cannot confirm and must be
// given --yes.
//
// Thread safety: uses the terminal; call from the restore's main thread.
#pragma once

#include <string>
#include <string_view>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::restore {

// True for "CONFIRMO RESTORE" and "RESTORE" (surrounding blanks ignored).
bool IsConfirmation(std::string_view line);

// kInvalidArgument naming --yes when `terminal` cannot be opened: checked before anything slow
// happens, so an unattended run without --yes fails at once.
Status CheckTerminal(const std::string& terminal);

// Opens `terminal`; kInvalidArgument naming --yes when there is none. Returns whether the
// operator confirmed; kCancelled on end of input or when `errors` is cancelled (Ctrl-C: signals
// are blocked in every thread and reach us through the collector, so the wait polls it).
Result<bool> Confirm(const std::string& terminal, const std::string& summary,
                     const ErrorCollector* errors);
// The same on open descriptors (tests use a pipe or a pty).
Result<bool> ConfirmOn(int in_fd, int out_fd, const std::string& summary,
                       const ErrorCollector* errors);

}  // namespace myvault::restore
