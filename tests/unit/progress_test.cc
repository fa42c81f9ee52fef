// The progress line: an ETA only once it means something, and the phases of a restore that are
// not the data's (verify, indexes, check) with their own measure.
#include "myvault/common/progress.h"

#include <gtest/gtest.h>

namespace myvault {
namespace {

TEST(ProgressLine, NoEtaBeforeItMeansSomethingOrAfterTheEnd) {
  ProgressCounters c;
  c.bytes_total = 1000;
  // Nothing done yet, or too early: no ETA at all (it used to read "ETA -").
  std::string line = ProgressReporter::RenderLine(c, "", 0.0, false);
  EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
  c.raw_bytes = 500;
  line = ProgressReporter::RenderLine(c, "", 0.5, false);
  EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
  // Half done after 10 s: 10 s to go.
  line = ProgressReporter::RenderLine(c, "", 10.0, false);
  EXPECT_NE(line.find(" 50% "), std::string::npos) << line;
  EXPECT_NE(line.find(", ETA 0:10"), std::string::npos) << line;
  // Done: no ETA, and never a negative one when the estimate was low.
  c.raw_bytes = 1200;
  line = ProgressReporter::RenderLine(c, "", 30.0, true);
  EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
  EXPECT_EQ(line.find('-'), std::string::npos) << line;
  EXPECT_EQ(line.substr(0, 27), "[########################] ") << line;
}

TEST(ProgressLine, PhasesShowTheirOwnMeasure) {
  ProgressCounters verify;
  verify.bytes_total = 4 << 20;
  verify.raw_bytes = 1 << 20;
  std::string line = ProgressReporter::RenderLine(verify, "verify", 2.0, false);
  EXPECT_EQ(line, "verify:  25% 1.0 MiB of 4.0 MiB, 512.0 KiB/s, ETA 0:06");
  ProgressCounters indexes;
  indexes.tables_total = 8;
  indexes.tables_done = 2;
  line = ProgressReporter::RenderLine(indexes, "indexes", 30.0, false);
  EXPECT_EQ(line, "indexes: 2/8 tables, 30 s, ETA 1:30");
  indexes.tables_done = 0;
  line = ProgressReporter::RenderLine(indexes, "check", 3.0, true);
  EXPECT_EQ(line, "[........................] check: 0/8 tables, 3 s");
}

}  // namespace
}  // namespace myvault
