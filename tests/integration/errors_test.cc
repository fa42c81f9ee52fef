// Failures before or while writing: each gives its documented exit code, one stderr line
// "myvault: error: <cause>" naming the cause, and leaves no FILE, FILE.partial or FILE.sha256.
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "datasets.h"
#include "fixture.h"

namespace myvault::it {
namespace {

// A small tmpfs mounted for the life of the object (the tests run as root).
class TmpfsMount {
 public:
  static Result<std::unique_ptr<TmpfsMount>> Mount(const std::string& dir, const char* size) {
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return IoErrorFromErrno("mkdir " + dir, errno);
    }
    const std::string options = std::string("size=") + size + ",mode=0755";
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      return IoErrorFromErrno(
          "mount -t tmpfs -o " + options + " tmpfs " + dir +
              " (the disk-full test needs root with CAP_SYS_ADMIN, e.g. a container started "
              "with --cap-add SYS_ADMIN or --privileged)",
          errno);
    }
    return std::unique_ptr<TmpfsMount>(new TmpfsMount(dir));
  }
  ~TmpfsMount() { umount2(dir_.c_str(), MNT_DETACH); }

 private:
  explicit TmpfsMount(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

class DumpErrors : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(
        "CREATE DATABASE IF NOT EXISTS mv_err_small; "
        "CREATE TABLE IF NOT EXISTS mv_err_small.t (id INT PRIMARY KEY, v VARCHAR(20)); "
        "INSERT IGNORE INTO mv_err_small.t VALUES (1, 'one'), (2, 'two')"));
    archive_ = dir_->Join("e.sql.gz");
  }

  // `myvault dump` with the option file `cnf` and --quiet.
  Result<CommandResult> DumpWith(const std::string& cnf, const std::string& out,
                                 const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"dump", "--defaults-file", cnf, "--output", out, "--quiet"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv);
  }

  std::string archive_;
};

TEST_F(DumpErrors, WrongPasswordIsAccessDenied) {
  ServerConfig bad = source_config_;
  bad.password = "not-" + bad.password;
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(bad, dir_->path(), "bad.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf, archive_, {"--databases", "mv_err_small"}));
  ExpectCleanFailure(r, kExitConnection, "access denied", archive_);
}

TEST_F(DumpErrors, UnknownDatabaseIsNotFoundAndNamed) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(source_cnf_, archive_, {"--databases", "mv_err_no_such_db"}));
  ExpectCleanFailure(r, kExitNotFound, "mv_err_no_such_db", archive_);
}

TEST_F(DumpErrors, UnknownTableIsNotFoundAndNamed) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(source_cnf_, archive_, {"--tables", "mv_err_small.no_such_t"}));
  ExpectCleanFailure(r, kExitNotFound, "no_such_t", archive_);
}

TEST_F(DumpErrors, UnreachableServerIsAConnectionError) {
  ServerConfig nowhere = source_config_;
  nowhere.host = "127.0.0.1";
  ASSERT_OK_AND_ASSIGN(nowhere.port, FreeTcpPort());
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(nowhere, dir_->path(), "nowhere.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(cnf, archive_, {"--databases", "mv_err_small"}));
  ExpectCleanFailure(r, kExitConnection, "connect|refused", archive_);
  EXPECT_LT(r.seconds, 30) << "a refused connection should fail fast";
}

// Root ignores permission bits, so the unwritable place is a path below a regular file.
TEST_F(DumpErrors, OutputBelowARegularFileIsAnIoError) {
  const std::string file = dir_->Join("plain-file");
  ASSERT_OK(WriteFile(file, "not a directory"));
  const std::string out = file + "/x.sql.gz";
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpWith(source_cnf_, out, {"--databases", "mv_err_small"}));
  ExpectCleanFailure(r, kExitIo, "not a directory", out);
  ASSERT_OK_AND_ASSIGN(std::string still, ReadFile(file));
  EXPECT_EQ(still, "not a directory");
}

TEST_F(DumpErrors, FullDiskIsAnIoErrorAndLeavesNothing) {
  const RandomTableSpec big{"mv_err_big", "blobs", 64, 16 << 10, 5};  // 32 MiB of random bytes
  ASSERT_OK(EnsureRandomTable(*source_, big));
  const std::string mount_dir = dir_->Join("full");
  ASSERT_OK_AND_ASSIGN(auto tmpfs, TmpfsMount::Mount(mount_dir, "2m"));
  const std::string out = mount_dir + "/x.sql.gz";
  ASSERT_OK_AND_ASSIGN(CommandResult r, DumpWith(source_cnf_, out, {"--databases", big.db}));
  ExpectCleanFailure(r, kExitIo, "no space left on device", out);
  EXPECT_EQ(ListDir(mount_dir), std::vector<std::string>{}) << "files left on the full disk";
}

}  // namespace
}  // namespace myvault::it
