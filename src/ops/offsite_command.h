// The `--copy-command` half of CopyOffsite (private to the ops module; contract in
// myvault/ops/offsite.h).
#pragma once

#include <string>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::ops {

// `command` with each `{file}` replaced by ShellQuote(absolute path of file) and each `{name}` by
// ShellQuote(its base name); other text is kept as is.
std::string ExpandCopyCommand(const std::string& command, const std::string& file);

// Runs ExpandCopyCommand(command, file) with /bin/sh -c and waits for it, polling `cancel`
// (nullptr: never) every 50 ms. Once it is cancelled the command's process group is stopped
// (SIGTERM, SIGKILL 5 s later) and the result is kCancelled for a signal, else cancel->first()
// (a Deadline's timeout) with how the processes ended added.
Status RunCopyCommand(const std::string& command, const std::string& file,
                      const ErrorCollector* cancel);

}  // namespace myvault::ops
