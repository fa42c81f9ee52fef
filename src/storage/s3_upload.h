// The multipart writer of an S3 object (private to storage; see s3_store.h for the contract).
#pragma once

#include <memory>
#include <string>

#include "myvault/storage/store.h"
#include "storage/s3_client.h"

namespace myvault::storage {

// Part sizes: MYVAULT_S3_PART_SIZE bytes (at least 64 KiB; AWS wants at least 5 MiB) for the
// first 1000 parts, 8x that afterwards; default 8 MiB. Up to 4 parts upload at once.
std::unique_ptr<ObjectWriter> NewS3Writer(std::shared_ptr<const S3Client> client, std::string key,
                                          std::string name);

}  // namespace myvault::storage
