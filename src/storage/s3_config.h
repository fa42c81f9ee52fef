// S3 credentials, region and endpoint, found as the AWS tools find them (private to storage).
//
// Credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); else the profile
// AWS_PROFILE (default "default") of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE,
// else ~/.aws/credentials), then of the config file (AWS_CONFIG_FILE, else ~/.aws/config,
// section "[profile NAME]" or "[default]"). Region: AWS_REGION, AWS_DEFAULT_REGION, the profile's
// `region`, else us-east-1. Endpoint: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
// `endpoint_url`, else https://s3.REGION.amazonaws.com. A custom endpoint is addressed
// path-style (http://host:port/BUCKET/KEY), AWS itself virtual-hosted (https://BUCKET.s3...).
#pragma once

#include <functional>
#include <string>

#include "myvault/status.h"

namespace myvault::storage {

struct S3Config {
  std::string access_key;
  std::string secret_key;  // never printed
  std::string session_token;
  std::string region;
  std::string endpoint;  // scheme://host[:port], no trailing slash
  bool path_style = true;
  std::string credentials_source;  // "environment", "profile P in FILE": for messages
};

// Reads the environment through `getenv` (tests pass their own) and the files it names.
// kAuth when no credentials are found anywhere.
Result<S3Config> LoadS3Config(const std::function<const char*(const char*)>& getenv);

}  // namespace myvault::storage
