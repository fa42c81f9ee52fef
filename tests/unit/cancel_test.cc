#include "myvault/common/cancel.h"

#include <gtest/gtest.h>

namespace myvault {
namespace {

TEST(ErrorCollector, FirstErrorWinsAndCancels) {
  ErrorCollector c;
  EXPECT_FALSE(c.cancelled());
  EXPECT_FALSE(c.Report(Status::Ok()));
  EXPECT_FALSE(c.cancelled());
  EXPECT_TRUE(c.Report(IoError("disk full")));
  EXPECT_FALSE(c.Report(Corrupt("later")));
  EXPECT_TRUE(c.cancelled());
  EXPECT_EQ(c.first().message(), "disk full");
}

TEST(ErrorCollector, AChildSeesItsParentsCancellationButNeverCancelsIt) {
  ErrorCollector daemon;
  {
    ErrorCollector run(&daemon);
    EXPECT_TRUE(run.Report(Status(StatusCode::kServer, "server gone")));
    EXPECT_TRUE(run.cancelled());
    EXPECT_FALSE(daemon.cancelled()) << "a failed run must not stop the daemon";
    EXPECT_TRUE(daemon.first().ok());
  }
  ErrorCollector run(&daemon);
  EXPECT_FALSE(run.cancelled());
  EXPECT_TRUE(run.first().ok());
  daemon.Report(Cancelled("SIGTERM"));
  EXPECT_TRUE(run.cancelled()) << "a signal to the daemon cancels the running backup";
  EXPECT_EQ(run.first().code(), StatusCode::kCancelled);
  EXPECT_EQ(run.first().message(), "SIGTERM");
  // The run's own error, once it has one, is what it reports.
  ErrorCollector other(&daemon);
  other.Report(IoError("own"));
  EXPECT_EQ(other.first().message(), "own");
}

TEST(ErrorCollector, InterruptedMeansASignalNotAFailure) {
  ErrorCollector daemon;
  ErrorCollector run(&daemon);
  run.Report(IoError("disk full"));
  EXPECT_TRUE(run.cancelled());
  EXPECT_FALSE(run.interrupted()) << "a failure is not a signal";
  daemon.Report(Cancelled("SIGTERM"));
  EXPECT_TRUE(run.interrupted()) << "the parent's signal reaches a child that had failed";
  EXPECT_TRUE(daemon.interrupted());
  ErrorCollector alone;
  alone.Report(Cancelled("SIGINT"));
  EXPECT_TRUE(alone.interrupted());
}

}  // namespace
}  // namespace myvault
