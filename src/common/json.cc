#include "myvault/common/json.h"

namespace myvault {

std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace myvault
