// restore --list --estimate: how a sample's measured phases scale to the whole archive, and what
// the estimate says (the calibration itself runs against a server: RestoreTables.ListEstimate...).
#include <gtest/gtest.h>

#include "myvault/restore/restorer.h"

namespace myvault::restore {
namespace {

TEST(RtoEstimateTest, VerifyDataAndIndexesScaleWithTheBytesTheRestIsTakenAsMeasured) {
  RtoEstimate sample;
  sample.table = "`shop`.`orders`";
  sample.sample_chunks = 16;
  sample.table_chunks = 1600;
  sample.sample_bytes = 64'000'000;
  sample.total_bytes = 6'400'000'000;  // 100x the sample
  sample.measured = {{"verify", 0.5}, {"prepare", 0.2}, {"schema", 0.1},
                     {"data", 4.0},   {"indexes", 1.0}, {"post", 0.05}};
  const RtoEstimate e = ScaleEstimate(sample);
  ASSERT_EQ(e.expected.size(), 4u);
  EXPECT_EQ(e.expected[0].name, "verify");
  EXPECT_DOUBLE_EQ(e.expected[0].seconds, 50.0);
  EXPECT_EQ(e.expected[1].name, "data");
  EXPECT_DOUBLE_EQ(e.expected[1].seconds, 400.0);
  EXPECT_EQ(e.expected[2].name, "indexes");
  EXPECT_DOUBLE_EQ(e.expected[2].seconds, 100.0);
  EXPECT_EQ(e.expected[3].name, "other");
  EXPECT_NEAR(e.expected[3].seconds, 0.35, 1e-9);
  EXPECT_NEAR(e.seconds, 550.35, 1e-9);

  const std::string said = DescribeEstimate(e, 4, 30 * 60);
  EXPECT_NE(said.find("RTO estimate at 4 thread(s): 9 min 10 s (verify 50.0 s, data 6 min 40 s, "
                      "indexes 1 min 40 s, other 0.4 s)"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("16 of the 1600 chunks of `shop`.`orders`"), std::string::npos) << said;
  EXPECT_NE(said.find("data at 16.0 MB/s"), std::string::npos) << said;
  EXPECT_NE(said.find("the 30 min 00 s objective: holds"), std::string::npos) << said;
  EXPECT_NE(DescribeEstimate(e, 4, 300).find("objective: is not met at this rate"),
            std::string::npos);
}

// A restore that checks the file in one pass against its .sha256 takes that pass's time for
// verify, not the sample's member checks scaled up.
TEST(RtoEstimateTest, AOnePassCheckReplacesTheScaledMemberChecks) {
  RtoEstimate sample;
  sample.sample_bytes = 64'000'000;
  sample.total_bytes = 6'400'000'000;
  sample.measured = {{"verify", 0.5}, {"data", 4.0}, {"indexes", 1.0}};
  sample.one_pass_seconds = 12.5;
  const RtoEstimate e = ScaleEstimate(sample);
  ASSERT_EQ(e.expected.size(), 4u);
  EXPECT_EQ(e.expected[0].name, "verify");
  EXPECT_DOUBLE_EQ(e.expected[0].seconds, 12.5);
  EXPECT_DOUBLE_EQ(e.expected[1].seconds, 400.0);
  EXPECT_NEAR(e.seconds, 512.5, 1e-9);
}

TEST(RtoEstimateTest, AnEmptySampleEstimatesNothingRatherThanDividingByZero) {
  RtoEstimate sample;
  sample.measured = {{"data", 1.0}};
  const RtoEstimate e = ScaleEstimate(sample);
  EXPECT_DOUBLE_EQ(e.seconds, 0.0);
}

}  // namespace
}  // namespace myvault::restore
