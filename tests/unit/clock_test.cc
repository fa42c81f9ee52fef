#include "myvault/common/clock.h"

#include <gtest/gtest.h>

namespace myvault {
namespace {

TEST(Clock, ParseIsoUtcReadsWhatTheIndexWritesAndNothingElse) {
  EXPECT_EQ(ParseIsoUtc("2026-11-26T06:00:00Z"), std::optional<int64_t>(1795672800));
  EXPECT_EQ(ParseIsoUtc("1970-01-01T00:00:00Z"), std::optional<int64_t>(0));
  for (const char* bad :
       {"", "2026-11-26 06:00:00", "2026-11-26T06:00:00", "2026-11-26T06:00:00Z ", "yesterday"}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
  // The writer's format reads back to the same second.
  const std::string now = WallClockText("%Y-%m-%dT%H:%M:%SZ", true);
  ASSERT_TRUE(ParseIsoUtc(now).has_value()) << now;
  EXPECT_LE(std::abs(*ParseIsoUtc(now) - static_cast<int64_t>(std::time(nullptr))), 2);
}

}  // namespace
}  // namespace myvault
