// The offsite copy of a verified backup: to a directory (another disk, an NFS or SMB mount), and/or
// through a user's shell command (rclone, aws s3 cp, scp ...), run after the backup and its
// .sha256 are in place.
//
// copy_to DIR: FILE is copied to DIR/NAME.partial (created 0600, any stale .partial removed first)
// in 1 MiB blocks, fsynced, read back and checked against the backup's SHA-256, then renamed to
// DIR/NAME; FILE.sha256, when it exists, follows the same way; DIR is fsynced last. On any failure
// no DIR/NAME.partial is left, and an existing DIR/NAME is only ever replaced by a checked copy.
// FILE may be an s3:// object (a backup into a bucket copied onto a mount).
//
// copy_to s3://BUCKET/PREFIX: FILE is streamed into the object PREFIX/NAME as a multipart upload
// (nothing staged), the bytes sent hashed on the way and checked against the backup's SHA-256
// before the upload completes (a mismatch aborts it: no object); then FILE.sha256 as its object.
//
// copy_command CMD: run as `/bin/sh -c CMD` with `{file}` replaced by FILE's absolute path and
// `{name}` by its base name, both shell-quoted; stdin is /dev/null, stdout and stderr are the
// caller's. The command runs in its own process group, with SIGINT/SIGTERM unblocked and at their
// default actions. The command text may hold credentials: no message repeats it.
//
// Both forms given: copy_to runs first, and the command only when the copy succeeded.
//
// timeout_s bounds each form. The command's whole process group is then sent SIGTERM, and
// SIGKILL 5 s later if any of it is still there, and the call returns kIo "offsite copy command
// did not finish within 1h (--copy-timeout): ...". copy_to checks the time before each 1 MiB
// block it reads, copying or reading back, and returns kIo the same way, leaving no .partial.
// A system call that blocks in the kernel (a hard-mounted NFS share whose server is gone) cannot
// be interrupted from this thread, so there the bound holds only once the call returns: mount
// such a share `soft` (the kernel then fails the call after timeo/retrans), or copy to it with
// copy_command, whose processes are killed at the timeout (NFS waits yield to SIGKILL).
//
// Thread safety: CopyOffsite may run on any thread; `cancel` is polled between blocks and while
// the command runs (it is then stopped as at the timeout) and the call returns kCancelled.
#pragma once

#include <cstdint>
#include <string>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::ops {

struct OffsiteOptions {
  std::string copy_to;       // a directory or s3://BUCKET/PREFIX; empty: no copy
  std::string copy_command;  // a shell command; empty: none
  int64_t timeout_s = 3600;  // the bound of each form (> 0)
};

// Errors: kNotFound (DIR missing or not a directory), kInvalidArgument (DIR is FILE's own
// directory, timeout_s <= 0), kIo (read, write, disk full, command failed or killed, timeout),
// kCorrupt (the copy read back does not match sha256_hex), kCancelled.
// sha256_hex is the backup's SHA-256, 64 hex digits (as in FILE.sha256).
Status CopyOffsite(const OffsiteOptions& options, const std::string& file,
                   const std::string& sha256_hex, const ErrorCollector* cancel);

// `'it'\''s'`: `text` as one single-quoted /bin/sh word.
std::string ShellQuote(const std::string& text);

}  // namespace myvault::ops
