// Private to the options code in src/mysql: small helpers shared by option_file.cc and options.cc.
//
// Thread safety: pure functions (ReadSmallFile reads the file system).
#pragma once

#include <string>
#include <string_view>

#include "myvault/status.h"

namespace myvault::mysql::internal {

// Reads a whole (small) file: kNotFound if it does not exist, kIo for other failures, both
// naming `what` and the path.
Status ReadSmallFile(const std::string& path, std::string_view what, std::string* out);

// Removes spaces, tabs and carriage returns at both ends.
std::string_view TrimBlanks(std::string_view s);

// ASCII lower case.
std::string AsciiLower(std::string_view s);

}  // namespace myvault::mysql::internal
