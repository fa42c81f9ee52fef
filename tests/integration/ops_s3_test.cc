// Backups straight into S3-compatible storage and restores straight out of it, against s3rver
// (tools/s3server) and the real source and target servers: backup + list + status + prune (GFS)
// + restore of the corpus compared object by object and row by row; the archive downloads with
// the AWS CLI and passes `sha256sum -c` and `gzip -t`; a backup killed mid-upload leaves no
// object and its upload is aborted by the next run; the S3 server stopped mid-upload gives one
// clear error and no object, and a server gone at the moment the archive is put in place never
// leaves an archive without its .sha256; a part whose server went away for a moment is retried;
// wrong credentials and a missing bucket are one line each with their exit codes.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include "corpus.h"
#include "datasets.h"
#include "fingerprint.h"
#include "fixture.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/storage/store.h"
#include "myvault_cli.h"
#include "s3_server.h"

namespace myvault::it {
namespace {

constexpr char kBlobDb[] = "mv_s3";
constexpr char kPartSize[] = "262144";  // 256 KiB parts: the 8 MiB table makes ~32 of them

class OpsS3 : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK_AND_ASSIGN(corpus_, EnsureEdgeCaseCorpus(*source_));
    ASSERT_OK(EnsureRandomTable(*source_, {kBlobDb, "blob", 64, 16 << 10, 3}));  // 8 MiB
  }

  // A location of its own under the bucket for each test.
  std::string Location(const S3Endpoint& s3) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return "s3://" + s3.bucket + "/" + info->name() + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(std::time(nullptr));
  }

  std::vector<std::string> Backup(const std::string& url, const std::vector<std::string>& dbs,
                                  const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {"backup",          "--dir",     url,
                                     "--defaults-file", source_cnf_, "--databases"};
    argv.insert(argv.end(), dbs.begin(), dbs.end());
    argv.push_back("--");
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // Object names at `url` (listed by the test itself, through the storage interface).
  std::vector<std::string> Objects(const S3Endpoint& s3, const std::string& url) {
    ScopedS3Env env(s3);
    std::vector<std::string> names;
    auto store = storage::OpenStore(url);
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (!store.ok()) return names;
    auto objects = (*store)->List();
    EXPECT_TRUE(objects.ok()) << objects.status().message();
    if (objects.ok()) {
      for (const auto& o : *objects) names.push_back(o.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  size_t ArchivesIn(const std::vector<std::string>& names) {
    return static_cast<size_t>(std::count_if(names.begin(), names.end(), [](const std::string& n) {
      return ops::ParseBackupFileName("myvault", n).has_value();
    }));
  }

  // Archives among `names` that have no NAME.sha256 beside them.
  std::vector<std::string> ArchivesWithoutChecksum(const std::vector<std::string>& names) {
    std::vector<std::string> bare;
    for (const std::string& n : names) {
      if (!ops::ParseBackupFileName("myvault", n).has_value()) continue;
      if (std::find(names.begin(), names.end(), n + ".sha256") == names.end()) bare.push_back(n);
    }
    return bare;
  }

  std::string FirstArchive(const std::vector<std::string>& names) {
    for (const std::string& n : names) {
      if (ops::ParseBackupFileName("myvault", n).has_value()) return n;
    }
    return "";
  }

  // Starts an S3 server of the test's own (server_, at url_).
  bool StartOwnServer() {
    auto server = OwnS3Server::Start(own_dir_.Join("s3"));
    EXPECT_TRUE(server.ok()) << server.status().message();
    if (!server.ok()) return false;
    server_ = std::move(server).value();
    url_ = Location(server_->s3());
    return true;
  }

  // myvault's environment for the test's own server, with small parts (a multipart upload).
  CommandOptions OwnOptions() {
    CommandOptions options = S3Options(server_->s3());
    options.env.emplace_back("MYVAULT_S3_PART_SIZE", kPartSize);
    return options;
  }

  // Starts an S3 server of the test's own and a backup of the 8 MiB table into it, and waits
  // until its multipart upload has begun (bounded). Null on failure.
  ChildProcess* BeginUpload() {
    if (!StartOwnServer()) return nullptr;
    auto child = StartMyvault(Backup(url_, {kBlobDb}), &holder_, OwnOptions());
    EXPECT_TRUE(child.ok()) << child.status().message();
    if (!child.ok()) return nullptr;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (server_->IncompleteUploads().empty() && (*child)->Running() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_FALSE(server_->IncompleteUploads().empty()) << "the upload never began";
    return *child;
  }

  TempDir own_dir_;
  std::unique_ptr<OwnS3Server> server_;
  std::string url_;
  std::unique_ptr<ChildProcess> holder_;
  Fingerprint corpus_;
};

TEST_F(OpsS3, BackupListStatusPruneAndRestoreOfTheCorpus) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const std::string url = Location(s3);
  const CommandOptions options = S3Options(s3);
  ASSERT_OK_AND_ASSIGN(CommandResult first, RunMyvault(Backup(url, CorpusDatabases()), options));
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  // Older automatic backups for retention (their contents are never read by prune).
  {
    ScopedS3Env env(s3);
    ASSERT_OK_AND_ASSIGN(auto store, storage::OpenStore(url));
    for (int days : {1, 2, 3, 40}) {
      const std::string name = ops::BackupFileName("myvault", ops::BackupKind::kAuto,
                                                   std::time(nullptr) - int64_t{days} * 86400 - 60);
      ASSERT_OK(store->WriteSmall(name, "old"));
      ASSERT_OK(store->WriteSmall(name + ".sha256", "x"));
    }
  }
  ASSERT_EQ(ArchivesIn(Objects(s3, url)), 5u);

  ASSERT_OK_AND_ASSIGN(CommandResult list, RunMyvault({"list", "--dir", url}, options));
  EXPECT_EQ(list.exit_code, 0) << list.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult status, RunMyvault({"status", "--dir", url}, options));
  EXPECT_EQ(status.exit_code, 0) << status.Describe();

  ASSERT_OK_AND_ASSIGN(CommandResult prune, RunMyvault({"prune", "--dir", url, "--daily", "2",
                                                        "--weekly", "0", "--monthly", "0"},
                                                       options));
  EXPECT_EQ(prune.exit_code, 0) << prune.Describe();
  const std::vector<std::string> left = Objects(s3, url);
  EXPECT_EQ(ArchivesIn(left), 2u) << "daily 2 keeps today's and yesterday's backup";

  ASSERT_OK_AND_ASSIGN(auto latest_name, [&]() -> Result<std::optional<std::string>> {
    ScopedS3Env env(s3);
    ASSIGN_OR_RETURN(auto store, storage::OpenStore(url));
    return store->ReadLatest("myvault");
  }());
  ASSERT_TRUE(latest_name.has_value());
  const std::string archive = url + "/" + *latest_name;
  EXPECT_NE(std::find(left.begin(), left.end(), *latest_name), left.end());

  ASSERT_OK_AND_ASSIGN(CommandResult verify, RunMyvault({"verify", archive}, options));
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  EXPECT_TRUE(std::regex_search(verify.out, std::regex(", [0-9.]+ MB/s read\n")))
      << "verify reports its throughput: " << verify.out;

  ASSERT_OK_AND_ASSIGN(
      CommandResult restore,
      RunMyvault({"restore", archive, "--defaults-file", target_cnf_, "--yes"}, options));
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  EXPECT_TRUE(
      std::regex_search(restore.out, std::regex("data: [^\n]*, [0-9.]+ MB/s, [0-9]+ rows/s")))
      << "restore reports its throughput: " << restore.out;
  ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, CorpusDatabases()));
  EXPECT_EQ(Diff(corpus_, restored), "") << "objects differ between source and restored copy";

  // Interoperability: the AWS CLI downloads it; sha256sum -c and gzip -t pass.
  for (const std::string& name : {*latest_name, *latest_name + ".sha256"}) {
    ASSERT_OK_AND_ASSIGN(CommandResult cp,
                         RunAws(s3, {"s3", "cp", url + "/" + name, dir_->Join(name)}));
    ASSERT_EQ(cp.exit_code, 0) << cp.Describe();
  }
  CommandOptions in_dir;
  in_dir.cwd = dir_->path();
  ASSERT_OK_AND_ASSIGN(CommandResult sum,
                       RunCommand({"sha256sum", "-c", *latest_name + ".sha256"}, in_dir));
  EXPECT_EQ(sum.exit_code, 0) << sum.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult gz, RunCommand({"gzip", "-t", dir_->Join(*latest_name)}));
  EXPECT_EQ(gz.exit_code, 0) << gz.Describe();

  // A restore drill of the latest backup straight from the bucket; its record is an object.
  ASSERT_OK_AND_ASSIGN(
      CommandResult drill,
      RunMyvault({"drill", "--dir", url, "--defaults-file", target_cnf_}, options));
  EXPECT_EQ(drill.exit_code, 0) << drill.Describe();
  EXPECT_NE(drill.out.find("drill OK: " + *latest_name), std::string::npos) << drill.out;
  const std::vector<std::string> after = Objects(s3, url);
  EXPECT_NE(std::find(after.begin(), after.end(), "myvault-drill.state"), after.end())
      << "no drill record in the bucket";
}

// Encryption and object storage together (issue 13 point 3): an encrypted backup streams into
// S3, verifies there without the key, refuses a restore without it and restores with it.
TEST_F(OpsS3, AnEncryptedBackupVerifiesWithoutTheKeyAndRestoresWithIt) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const std::string url = Location(s3), key = dir_->Join("s3.key");
  const CommandOptions options = S3Options(s3);
  ASSERT_OK_AND_ASSIGN(CommandResult keygen, RunMyvault({"keygen", "--out", key}));
  ASSERT_EQ(keygen.exit_code, 0) << keygen.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult backup,
                       RunMyvault({"backup", "--dir", url, "--defaults-file", source_cnf_,
                                   "--encrypt-to", key + ".pub", "--databases", kBlobDb},
                                  options));
  ASSERT_EQ(backup.exit_code, 0) << backup.Describe();
  const std::vector<std::string> names = Objects(s3, url);
  ASSERT_EQ(ArchivesIn(names), 1u);
  const auto it = std::find_if(names.begin(), names.end(), [](const std::string& n) {
    return ops::ParseBackupFileName("myvault", n).has_value();
  });
  const std::string archive = url + "/" + *it;

  ASSERT_OK_AND_ASSIGN(CommandResult verify, RunMyvault({"verify", archive}, options));
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  EXPECT_NE(verify.out.find("checked without the key"), std::string::npos) << verify.out;

  ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kBlobDb));
  ASSERT_OK_AND_ASSIGN(
      CommandResult refused,
      RunMyvault({"restore", archive, "--defaults-file", target_cnf_, "--yes"}, options));
  EXPECT_EQ(refused.exit_code, 2) << refused.Describe();
  EXPECT_FALSE(target_->QueryValue(std::string("SELECT COUNT(*) FROM ") + kBlobDb + ".blob").ok())
      << "the refused restore created the table";

  ASSERT_OK_AND_ASSIGN(CommandResult restore,
                       RunMyvault({"restore", archive, "--defaults-file", target_cnf_,
                                   "--decrypt-with", key, "--yes", "--quiet"},
                                  options));
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  const std::string checksum = std::string("CHECKSUM TABLE ") + kBlobDb + ".blob";
  ASSERT_OK_AND_ASSIGN(auto want, source_->Query(checksum));
  ASSERT_OK_AND_ASSIGN(auto got, target_->Query(checksum));
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0][1], want[0][1]) << "the restored table differs from the source";
}

TEST_F(OpsS3, AKilledUploadLeavesNoObjectAndTheNextBackupAbortsIt) {
  ChildProcess* child = BeginUpload();
  ASSERT_NE(child, nullptr);
  ASSERT_OK(child->Signal(SIGKILL));
  (void)child->Wait();
  EXPECT_EQ(ArchivesIn(Objects(server_->s3(), url_)), 0u) << "a killed upload left an object";
  ASSERT_FALSE(server_->IncompleteUploads().empty()) << "nothing for the next run to clean up";

  // Nothing staged on disk: the working directory and TMPDIR stay empty.
  TempDir cwd, tmp;
  CommandOptions options = S3Options(server_->s3());
  options.env.emplace_back("MYVAULT_S3_PART_SIZE", kPartSize);
  options.env.emplace_back("TMPDIR", tmp.path());
  options.cwd = cwd.path();
  ASSERT_OK_AND_ASSIGN(CommandResult next, RunMyvault(Backup(url_, {kBlobDb}), options));
  ASSERT_EQ(next.exit_code, 0) << next.Describe();
  EXPECT_EQ(ListDir(cwd.path()), std::vector<std::string>());
  EXPECT_EQ(ListDir(tmp.path()), std::vector<std::string>());
  const std::string said = next.out + next.err;
  EXPECT_NE(said.find("aborted 1 incomplete upload"), std::string::npos) << said;
  EXPECT_NE(said.find("took over the lock of pid"), std::string::npos) << said;
  EXPECT_EQ(server_->IncompleteUploads(), std::vector<std::string>());
  const std::vector<std::string> names = Objects(server_->s3(), url_);
  ASSERT_EQ(ArchivesIn(names), 1u);
  // Uploaded in parts; the .sha256 object stored before the upload completed (the archive never
  // stands without it), the lock released.
  const auto archive = std::find_if(names.begin(), names.end(), [](const std::string& n) {
    return ops::ParseBackupFileName("myvault", n).has_value();
  });
  const std::string key = url_.substr(url_.find('/', 5) + 1) + "/" + *archive;
  const std::string log = server_->Log();
  const size_t stored = log.find("Stored object \"" + key + "\"");
  const size_t sum = log.find("Stored object \"" + key + ".sha256\"");
  ASSERT_NE(stored, std::string::npos) << log;
  ASSERT_NE(sum, std::string::npos) << log;
  EXPECT_LT(sum, stored) << "the archive stood without its .sha256 object";
  EXPECT_NE(log.rfind("Stored part 2 of ", stored), std::string::npos) << "not a multipart upload";
  EXPECT_EQ(std::count(names.begin(), names.end(), ".myvault.lock"), 0) << "the lock stays";
}

TEST_F(OpsS3, OffsiteCopiesGoIntoABucketAndOutOfOne) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const CommandOptions options = S3Options(s3);
  // A backup on disk copied into the bucket: the same bytes under the same name, its .sha256.
  const std::string url = Location(s3);
  TempDir local_dir;
  const std::string local = local_dir.path();
  ASSERT_OK_AND_ASSIGN(CommandResult up,
                       RunMyvault(Backup(local, {kBlobDb}, {"--copy-to", url}), options));
  ASSERT_EQ(up.exit_code, 0) << up.Describe();
  EXPECT_NE((up.out + up.err).find("copied offsite"), std::string::npos) << up.Describe();
  std::vector<std::string> made;
  for (const std::string& n : ListDir(local)) {
    if (ops::ParseBackupFileName("myvault", n).has_value()) made.push_back(n);
  }
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(Objects(s3, url), (std::vector<std::string>{made[0], made[0] + ".sha256"}));
  TempDir fetched_dir;
  const std::string fetched = fetched_dir.path();
  for (const std::string& name : {made[0], made[0] + ".sha256"}) {
    ASSERT_OK_AND_ASSIGN(CommandResult cp,
                         RunAws(s3, {"s3", "cp", url + "/" + name, fetched + "/" + name}));
    ASSERT_EQ(cp.exit_code, 0) << cp.Describe();
  }
  ASSERT_OK_AND_ASSIGN(CommandResult same,
                       RunCommand({"cmp", local + "/" + made[0], fetched + "/" + made[0]}));
  EXPECT_EQ(same.exit_code, 0) << same.Describe();
  CommandOptions in_fetched;
  in_fetched.cwd = fetched;
  ASSERT_OK_AND_ASSIGN(CommandResult sum,
                       RunCommand({"sha256sum", "-c", made[0] + ".sha256"}, in_fetched));
  EXPECT_EQ(sum.exit_code, 0) << sum.Describe();

  // A backup into the bucket copied onto a mount: the archive and its .sha256.
  const std::string url2 = url + "-2";
  TempDir mount_dir;
  const std::string mount = mount_dir.path();
  ASSERT_OK_AND_ASSIGN(CommandResult down,
                       RunMyvault(Backup(url2, {kBlobDb}, {"--copy-to", mount}), options));
  ASSERT_EQ(down.exit_code, 0) << down.Describe();
  const std::vector<std::string> in_bucket = Objects(s3, url2);
  ASSERT_EQ(ArchivesIn(in_bucket), 1u);
  const std::vector<std::string> copied = ListDir(mount);  // sorted
  ASSERT_EQ(copied.size(), 2u) << "the archive and its .sha256";
  CommandOptions in_mount;
  in_mount.cwd = mount;
  ASSERT_OK_AND_ASSIGN(sum, RunCommand({"sha256sum", "-c", copied[1]}, in_mount));
  EXPECT_EQ(sum.exit_code, 0) << sum.Describe();
}

TEST_F(OpsS3, ALockHeldByAnotherWriterRefusesTheBackup) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const std::string url = Location(s3);
  {
    ScopedS3Env env(s3);
    ASSERT_OK_AND_ASSIGN(auto store, storage::OpenStore(url));
    ASSERT_OK(store->WriteSmall(".myvault.lock",
                                "pid 4242 on backup-host-2, started 2026-12-01 06:00:00 UTC, "
                                "token 77\n"));
  }
  ASSERT_OK_AND_ASSIGN(CommandResult busy, RunMyvault(Backup(url, {kBlobDb}), S3Options(s3)));
  EXPECT_EQ(busy.exit_code, 8) << busy.Describe();
  EXPECT_TRUE(std::regex_match(busy.err, std::regex("myvault: error: [^\n]*another myvault \\(pid "
                                                    "4242 on backup-host-2, started [^)]*\\) is "
                                                    "running a backup in [^\n]*\n")))
      << busy.err;
  EXPECT_EQ(busy.err.find("token"), std::string::npos) << busy.err;
  EXPECT_EQ(ArchivesIn(Objects(s3, url)), 0u);
}

TEST_F(OpsS3, SigtermMidUploadAbortsTheUploadItself) {
  ChildProcess* child = BeginUpload();
  ASSERT_NE(child, nullptr);
  ASSERT_OK(child->Signal(SIGTERM));
  const CommandResult r = child->Wait();
  EXPECT_EQ(r.exit_code, 130) << r.Describe();
  EXPECT_EQ(server_->IncompleteUploads(), std::vector<std::string>())
      << "an interrupted backup leaves its upload to the next run: " << r.err;
  EXPECT_EQ(ArchivesIn(Objects(server_->s3(), url_)), 0u);
}

TEST_F(OpsS3, DumpWritesStraightIntoAnObject) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const std::string url = Location(s3);
  const CommandOptions options = S3Options(s3);
  ASSERT_OK_AND_ASSIGN(CommandResult dump,
                       RunMyvault({"dump", "--defaults-file", source_cnf_, "--output",
                                   url + "/one.sql.gz", "--databases", kBlobDb, "--quiet"},
                                  options));
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  EXPECT_EQ(Objects(s3, url), (std::vector<std::string>{"one.sql.gz", "one.sql.gz.sha256"}));
  ASSERT_OK_AND_ASSIGN(CommandResult verify, RunMyvault({"verify", url + "/one.sql.gz"}, options));
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  EXPECT_NE(verify.out.find(".sha256 matches"), std::string::npos) << verify.out;
}

TEST_F(OpsS3, TheServerStoppedMidUploadIsOneClearErrorAndNoObject) {
  ChildProcess* child = BeginUpload();
  ASSERT_NE(child, nullptr);
  ASSERT_OK(server_->Stop());
  const CommandResult r = child->Wait();
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.err, m,
                                std::regex("myvault: error: [^\n]*cannot reach "
                                           "http://127\\.0\\.0\\.1:[0-9]+ after 6 "
                                           "attempts[^\n]*\n$")))
      << r.err;
  ASSERT_OK(server_->Restart());
  // A stop that lands after the upload completed (a slow machine) leaves a whole archive, which
  // the backup could not verify; never one without its checksum.
  const std::vector<std::string> names = Objects(server_->s3(), url_);
  EXPECT_LE(ArchivesIn(names), 1u);
  EXPECT_EQ(ArchivesWithoutChecksum(names), std::vector<std::string>());
}

// The server dies at the two moments a backup's archive is put in place, as a crash or a lost
// network would have it (tools/s3server.js exit-after). Before the checksum went first, the
// first left a bare archive: an object that looks like a backup, without its .sha256.
TEST_F(OpsS3, TheServerGoneRightAfterTheUploadCompletesLeavesTheArchiveWithItsChecksum) {
  ASSERT_TRUE(StartOwnServer());
  ASSERT_OK(server_->ExitAfter("^POST .*[?&]uploadId="));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Backup(url_, {kBlobDb}), OwnOptions()));
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_NE(r.err.find("cannot reach"), std::string::npos) << r.err;
  ASSERT_OK(server_->Restart());
  const std::vector<std::string> names = Objects(server_->s3(), url_);
  ASSERT_EQ(ArchivesIn(names), 1u) << ::testing::PrintToString(names);
  EXPECT_EQ(ArchivesWithoutChecksum(names), std::vector<std::string>());
  const std::string archive = url_ + "/" + FirstArchive(names);
  ASSERT_OK_AND_ASSIGN(CommandResult verify,
                       RunMyvault({"verify", archive}, S3Options(server_->s3())));
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  EXPECT_NE(verify.out.find(".sha256 matches"), std::string::npos) << verify.out;
}

TEST_F(OpsS3, TheServerGoneRightAfterTheChecksumLeavesNoArchiveAndTheNextRunCleansUp) {
  ASSERT_TRUE(StartOwnServer());
  ASSERT_OK(server_->ExitAfter("^PUT .*\\.sql\\.gz\\.sha256\\?"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Backup(url_, {kBlobDb}), OwnOptions()));
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  ASSERT_OK(server_->Restart());
  std::vector<std::string> names = Objects(server_->s3(), url_);
  EXPECT_EQ(ArchivesIn(names), 0u) << ::testing::PrintToString(names);
  EXPECT_FALSE(server_->IncompleteUploads().empty()) << "the upload was not left to clean up";

  ASSERT_OK_AND_ASSIGN(CommandResult next, RunMyvault(Backup(url_, {kBlobDb}), OwnOptions()));
  ASSERT_EQ(next.exit_code, 0) << next.Describe();
  EXPECT_NE((next.out + next.err).find("aborted 1 incomplete upload"), std::string::npos)
      << next.out << next.err;
  EXPECT_EQ(server_->IncompleteUploads(), std::vector<std::string>());
  names = Objects(server_->s3(), url_);
  ASSERT_EQ(ArchivesIn(names), 1u) << ::testing::PrintToString(names);
  const size_t checksums = static_cast<size_t>(std::count_if(
      names.begin(), names.end(), [](const std::string& n) { return n.ends_with(".sha256"); }));
  EXPECT_EQ(checksums, 1u) << "the dead run's checksum stayed: " << ::testing::PrintToString(names);
  EXPECT_EQ(ArchivesWithoutChecksum(names), std::vector<std::string>());
}

TEST_F(OpsS3, APartIsRetriedWhileTheServerIsAwayForAMoment) {
  ChildProcess* child = BeginUpload();
  ASSERT_NE(child, nullptr);
  ASSERT_OK(server_->Stop());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_OK(server_->Restart());
  const CommandResult r = child->Wait();
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("; retrying in "), std::string::npos) << r.err;
  const std::vector<std::string> names = Objects(server_->s3(), url_);
  ASSERT_EQ(ArchivesIn(names), 1u);
  const auto it = std::find_if(names.begin(), names.end(), [](const std::string& n) {
    return ops::ParseBackupFileName("myvault", n).has_value();
  });
  const std::string archive = url_ + "/" + *it;
  ASSERT_OK_AND_ASSIGN(CommandResult verify,
                       RunMyvault({"verify", archive}, S3Options(server_->s3())));
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
}

TEST_F(OpsS3, WrongCredentialsAndAMissingBucketAreOneLineEach) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  S3Endpoint wrong = s3;
  wrong.access_key = "NOSUCHKEY";
  const std::string url = Location(s3);
  ASSERT_OK_AND_ASSIGN(CommandResult denied, RunMyvault(Backup(url, {kBlobDb}), S3Options(wrong)));
  EXPECT_EQ(denied.exit_code, 3) << denied.Describe();
  EXPECT_TRUE(std::regex_match(denied.err, std::regex("myvault: error: [^\n]*S3 refused the "
                                                      "credentials from the environment[^\n]*"
                                                      "InvalidAccessKeyId\\)\n")))
      << denied.err;
  EXPECT_EQ(denied.err.find(s3.secret), std::string::npos) << "the secret key in a message";

  ASSERT_OK_AND_ASSIGN(CommandResult missing,
                       RunMyvault(Backup("s3://no-such-bucket-mv/db", {kBlobDb}), S3Options(s3)));
  EXPECT_EQ(missing.exit_code, 4) << missing.Describe();
  EXPECT_TRUE(std::regex_match(missing.err, std::regex("myvault: error: [^\n]*bucket "
                                                       "no-such-bucket-mv does not exist[^\n]*\n")))
      << missing.err;
  EXPECT_EQ(ArchivesIn(Objects(s3, url)), 0u);
}

}  // namespace
}  // namespace myvault::it
