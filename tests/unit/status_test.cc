#include "myvault/status.h"

#include <gtest/gtest.h>

namespace myvault {
namespace {

TEST(StatusTest, ContextIsPrependedAndCodeKept) {
  Status s = IoError("No space left on device").WithContext("write /b/x.partial");
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_EQ(s.message(), "write /b/x.partial: No space left on device");
  EXPECT_EQ(ExitCodeFor(s), kExitIo);
}

TEST(StatusTest, OkHasExitZero) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(ExitCodeFor(Status::Ok()), 0);
}

TEST(StatusTest, EveryCodeMapsToADistinctDocumentedExitCode) {
  EXPECT_EQ(ExitCodeFor(InvalidArgument("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kAuth, "x")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kConnection, "x")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(NotFound("x")), kExitNotFound);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kServer, "x")), kExitServer);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kLockTimeout, "x")), kExitLockTimeout);
  EXPECT_EQ(ExitCodeFor(Corrupt("x")), kExitCorrupt);
  EXPECT_EQ(ExitCodeFor(Cancelled("x")), kExitCancelled);
  EXPECT_EQ(ExitCodeFor(Unhealthy("x")), 9);
  EXPECT_EQ(ExitCodeFor(Internal("x")), kExitInternal);
}

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  *out = h;
  return Status::Ok();
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(UseHalf(4, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = UseHalf(3, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
}

}  // namespace
}  // namespace myvault
