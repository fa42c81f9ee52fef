// The Store of an S3 bucket+prefix, and its multipart writer (private to storage).
//
// Objects are PREFIX/NAME keys. A writer buffers one part (8 MiB for parts 1..1000, 64 MiB after:
// up to about 580 GiB) and uploads full parts on up to 4 background threads while the caller
// writes the next, so memory stays under 5 parts; nothing goes to disk. The multipart upload is
// started with the first full part and completed at Commit (CompleteMultipartUpload: the object
// appears only then); an object smaller than one part is one PutObject at Commit. Abort, a failed
// part (after its retries) or destroying an uncommitted writer aborts the upload
// (AbortMultipartUpload); one a killed process left is removed by CleanupIncomplete
// (ListMultipartUploads + AbortMultipartUpload), which `backup` runs under its lock.
//
// The latest pointer is the object P-latest holding the archive's name (PutObject replaces it
// atomically). The lock is the object .P.lock ("pid N on HOST, started TIME, token T"), checked,
// written and read back: single-writer semantics, documented in README: a lock held by a live
// process, or one on another host, makes a second writer stop with kLockTimeout; a lock of a
// dead process on this host is taken over; two writers starting within the same second on
// different hosts can both pass the check (S3 has no compare-and-swap that every S3-compatible
// store implements), so run one writer per prefix.
#pragma once

#include <memory>
#include <string>

#include "myvault/storage/store.h"

namespace myvault::storage {

// "s3://bucket[/prefix]": reads the credentials and endpoint (s3_config.h) now.
Result<std::unique_ptr<Store>> NewS3Store(const std::string& url);

}  // namespace myvault::storage
