// mysqldump mode's exit codes are mysqldump's (client/mysqldump.c: EX_MYSQLERR 2, EX_EOF 5,
// EX_ILLEGAL_TABLE 6), whatever myvault's own table says for the same Status.
#include <gtest/gtest.h>

#include "myvault/mysqldump/mysqldump.h"

namespace myvault::mysqldump {
namespace {

TEST(MysqldumpExitCode, StatusesMapToMysqldumpsCodes) {
  EXPECT_EQ(MysqldumpExitCode(Status::Ok()), 0);
  EXPECT_EQ(MysqldumpExitCode(InvalidArgument("unknown option '--x'")), 2);
  // mariadb-dump's exit(1) for an unknown --compatible mode.
  EXPECT_EQ(MysqldumpExitCode(InvalidArgument("Invalid mode to --compatible: foo")), 1);
  // And for --tab's formatting options without --tab.
  EXPECT_EQ(MysqldumpExitCode(InvalidArgument("You must use option --tab with --header")), 1);
  EXPECT_EQ(MysqldumpExitCode(Status(StatusCode::kConnection, "cannot connect")), 2);
  EXPECT_EQ(MysqldumpExitCode(Status(StatusCode::kAuth, "denied")), 2);
  EXPECT_EQ(MysqldumpExitCode(Status(StatusCode::kServer, "Unknown column")), 2);
  EXPECT_EQ(MysqldumpExitCode(Status(StatusCode::kLockTimeout, "lock wait")), 2);
  EXPECT_EQ(MysqldumpExitCode(NotFound("unknown database 'x'")), 2);
  EXPECT_EQ(MysqldumpExitCode(NotFound("unknown table 'd.t'").SetServerError(1146, "42S02", false)),
            6);
  EXPECT_EQ(MysqldumpExitCode(IoError("write standard output: No space left on device")), 5);
  EXPECT_EQ(MysqldumpExitCode(Internal("broken invariant")), 1);
  EXPECT_EQ(MysqldumpExitCode(Cancelled("SIGTERM")), 130);
}

}  // namespace
}  // namespace myvault::mysqldump
