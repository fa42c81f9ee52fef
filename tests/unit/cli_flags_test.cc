#include <gtest/gtest.h>

#include "cli/flags.h"
#include "myvault/common/progress.h"

namespace myvault::cli {
namespace {

TEST(ParseSizeTest, UnitsAreBinary) {
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("64k"), 64u << 10);
  EXPECT_EQ(*ParseSize("4MiB"), 4u << 20);
  EXPECT_EQ(*ParseSize("4M"), 4u << 20);
  EXPECT_EQ(*ParseSize("1G"), 1u << 30);
  EXPECT_EQ(*ParseSize("2gb"), 2ull << 30);
}

TEST(ParseSizeTest, RejectsGarbageWithTheText) {
  Result<uint64_t> r = ParseSize("4 parsecs");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("4 parsecs"), std::string::npos);
  EXPECT_FALSE(ParseSize("").ok());
  EXPECT_FALSE(ParseSize("MiB").ok());
  EXPECT_FALSE(ParseSize("99999999999999999G").ok());
}

TEST(ProgressFormatTest, HumanUnits) {
  EXPECT_EQ(ProgressReporter::HumanBytes(512), "512 B");
  EXPECT_EQ(ProgressReporter::HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(ProgressReporter::HumanBytes(3.0 * (1 << 30)), "3.0 GiB");
  EXPECT_EQ(ProgressReporter::HumanDuration(59.6), "1:00");
  EXPECT_EQ(ProgressReporter::HumanDuration(3725), "1:02:05");
}

}  // namespace
}  // namespace myvault::cli

namespace myvault::cli {
namespace {

// --quiet must not hide a misspelt --progress (it used to win before the value was checked).
TEST(CliFlagsTest, ProgressModeIsCheckedEvenWhenQuiet) {
  EXPECT_EQ(ParseProgressMode("loud", true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseProgressMode("loud", false).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseProgressMode("bar", true), ProgressMode::kQuiet);
  EXPECT_EQ(*ParseProgressMode("lines", false), ProgressMode::kLines);
  EXPECT_EQ(*ParseProgressMode("none", false), ProgressMode::kQuiet);
}

}  // namespace
}  // namespace myvault::cli
