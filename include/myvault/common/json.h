// JSON text for machine-readable output (`--json`, the status report) and webhook payloads,
// built with nlohmann::json (Debian's nlohmann-json3-dev) instead of by hand.
//
// Keys keep the order they were added in (ordered_json), so the output reads like the text form.
// A string that is not valid UTF-8 (a server's error text, say) gets U+FFFD for its bad bytes
// instead of an exception: JsonText always returns text.
//
// Thread safety: pure functions; a Json value is owned by one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace myvault {

using Json = nlohmann::ordered_json;

// `value` as compact JSON text (no spaces, no newline), invalid UTF-8 replaced.
std::string JsonText(const Json& value);

}  // namespace myvault
