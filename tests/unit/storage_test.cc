// The storage interface's contract on the local directory (objects appear only at Commit, Abort
// leaves nothing, ranged reads, rename, the latest pointer, the lock), location parsing, the
// read-ahead stream, and S3 configuration found as the AWS tools find it. The S3 store itself is
// tested against a real server in tests/integration/ops_s3_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "../status_assertions.h"
#include "archive_test_helpers.h"
#include "myvault/storage/store.h"
#include "storage/s3_client.h"
#include "storage/s3_config.h"

namespace myvault::storage {
namespace {

using archive::testutil::TempDir;
using archive::testutil::WriteFile;

TEST(LocalStore, AnObjectAppearsOnlyAtCommitAndAbortLeavesNothing) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(dir.path()));
  ASSERT_OK_AND_ASSIGN(auto writer, store->Create("a.sql.gz", {.fsync = false}));
  ASSERT_OK(writer->Write("hello "));
  ASSERT_OK(writer->Write("world"));
  ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> before, store->Stat("a.sql.gz"));
  EXPECT_FALSE(before.has_value());
  ASSERT_OK(writer->Commit());
  ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> after, store->Stat("a.sql.gz"));
  EXPECT_EQ(after, std::optional<uint64_t>(11));

  ASSERT_OK_AND_ASSIGN(auto aborted, store->Create("b.sql.gz", {.fsync = false}));
  ASSERT_OK(aborted->Write("half"));
  aborted->Abort();
  ASSERT_OK_AND_ASSIGN(std::vector<ObjectInfo> objects, store->List());
  ASSERT_EQ(objects.size(), 1u) << "no b.sql.gz, no .partial";
  EXPECT_EQ(objects[0].name, "a.sql.gz");
  EXPECT_EQ(objects[0].size, 11u);

  {
    ASSERT_OK_AND_ASSIGN(auto dropped, store->Create("c.sql.gz", {.fsync = false}));
    ASSERT_OK(dropped->Write("never committed"));
  }
  ASSERT_OK_AND_ASSIGN(objects, store->List());
  EXPECT_EQ(objects.size(), 1u) << "a destroyed writer aborts";
}

TEST(LocalStore, RangedReadsRenameRemoveAndSmallObjects) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(dir.path()));
  ASSERT_OK(store->WriteSmall("x", "0123456789", {.fsync = false}));
  ASSERT_OK_AND_ASSIGN(auto reader, store->OpenRead("x"));
  EXPECT_EQ(reader->size(), 10u);
  std::string got;
  ASSERT_OK(reader->ReadAt(3, 4, &got));
  EXPECT_EQ(got, "3456");
  ASSERT_OK(reader->ReadAt(8, 10, &got));
  EXPECT_EQ(got, "89") << "short only at the end";
  ASSERT_OK(store->Rename("x", "y"));
  EXPECT_EQ(store->ReadSmall("x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ReadSmall("y").value(), "0123456789");
  EXPECT_EQ(store->ReadSmall("y", 5).status().code(), StatusCode::kIo);
  ASSERT_OK(store->Remove("y"));
  ASSERT_OK(store->Remove("y"));  // removing a missing object is fine
  EXPECT_EQ(store->Rename("y", "z").code(), StatusCode::kNotFound);
}

TEST(LocalStore, LatestPointerAndLock) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(dir.path()));
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> none, store->ReadLatest("p"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(store->PointLatest("p", "p-auto-20261126_060000.sql.gz"));
  EXPECT_EQ(store->ReadLatest("p").value(), "p-auto-20261126_060000.sql.gz");
  ASSERT_OK_AND_ASSIGN(auto lock, store->Lock("p"));
  Result<std::unique_ptr<StoreLock>> second = store->Lock("p");
  EXPECT_EQ(second.status().code(), StatusCode::kLockTimeout);
  lock.reset();
  EXPECT_TRUE(store->Lock("p").ok()) << "released with its holder";
  EXPECT_EQ(OpenStore(dir.File("missing")).value()->List().status().code(), StatusCode::kNotFound);
}

TEST(StoreLocations, ObjectsSplitIntoTheirStoreAndName) {
  ASSERT_OK_AND_ASSIGN(StoreAndName local, OpenStoreFor("/backups/x.sql.gz"));
  EXPECT_EQ(local.store->location(), "/backups");
  EXPECT_EQ(local.name, "x.sql.gz");
  ASSERT_OK_AND_ASSIGN(StoreAndName bare, OpenStoreFor("x.sql.gz"));
  EXPECT_EQ(bare.store->Describe(bare.name), "./x.sql.gz");
  EXPECT_EQ(OpenStoreFor("s3://bucket").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStoreFor("/backups/").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsObjectUrl("s3://b/p"));
  EXPECT_FALSE(IsObjectUrl("/s3://b"));
}

TEST(ReadAheadStream, ReadsTheWholeObjectInOrderWhateverTheBlockSize) {
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes += static_cast<char>('a' + i % 23);
  WriteFile(dir.File("f"), bytes);
  ASSERT_OK_AND_ASSIGN(auto reader, OpenObject(dir.File("f")));
  for (size_t block : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    ReadAheadStream stream(reader.get(), block, 3);
    std::string out;
    char buffer[1000];
    for (;;) {
      ASSERT_OK_AND_ASSIGN(size_t n, stream.Read(buffer, sizeof buffer));
      if (n == 0) break;
      out.append(buffer, n);
    }
    EXPECT_EQ(out, bytes) << "block " << block;
  }
}

// An environment of `vars` for LoadS3Config.
auto EnvOf(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(S3Config, EnvironmentFirstThenTheProfileOfTheSharedFiles) {
  TempDir dir;
  WriteFile(dir.File("credentials"),
            "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
            "[ops]\naws_access_key_id=OPS\naws_secret_access_key=opssecret\n"
            "aws_session_token=tok\n");
  WriteFile(dir.File("config"),
            "[profile ops]\nregion = eu-west-1\n"
            "endpoint_url = http://minio:9000/\n");
  const std::map<std::string, std::string> files = {
      {"AWS_SHARED_CREDENTIALS_FILE", dir.File("credentials")},
      {"AWS_CONFIG_FILE", dir.File("config")}};

  auto env = files;
  env["AWS_ACCESS_KEY_ID"] = "ENV";
  env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env["AWS_DEFAULT_REGION"] = "ap-south-1";
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config(EnvOf(env)));
  EXPECT_EQ(c.access_key, "ENV");
  EXPECT_EQ(c.region, "ap-south-1");
  EXPECT_EQ(c.endpoint, "https://s3.ap-south-1.amazonaws.com");
  EXPECT_FALSE(c.path_style) << "AWS itself: virtual-hosted";

  auto profile = files;
  profile["AWS_PROFILE"] = "ops";
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config(EnvOf(profile)));
  EXPECT_EQ(c.access_key, "OPS");
  EXPECT_EQ(c.secret_key, "opssecret");
  EXPECT_EQ(c.session_token, "tok");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.endpoint, "http://minio:9000");
  EXPECT_TRUE(c.path_style) << "a custom endpoint: path-style";
  EXPECT_EQ(c.credentials_source.find("opssecret"), std::string::npos);

  ASSERT_OK_AND_ASSIGN(c, LoadS3Config(EnvOf(files)));
  EXPECT_EQ(c.access_key, "DEF");
  EXPECT_EQ(c.region, "us-east-1");

  Result<S3Config> none = LoadS3Config(EnvOf({{"HOME", dir.File("nohome")}}));
  EXPECT_EQ(none.status().code(), StatusCode::kAuth);
}

TEST(S3Config, TheEnvironmentsTokenRegionAndEndpointWinInTheAwsToolsOrder) {
  std::map<std::string, std::string> env = {{"HOME", "/nonexistent"},
                                            {"AWS_ACCESS_KEY_ID", "ENV"},
                                            {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                            {"AWS_SESSION_TOKEN", "envtoken"},
                                            {"AWS_REGION", "eu-central-1"},
                                            {"AWS_DEFAULT_REGION", "ap-south-1"},
                                            {"AWS_ENDPOINT_URL", "http://generic:9000/"},
                                            {"AWS_ENDPOINT_URL_S3", "https://s3only:9443/"}};
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config(EnvOf(env)));
  EXPECT_EQ(c.session_token, "envtoken");
  EXPECT_EQ(c.region, "eu-central-1") << "AWS_REGION before AWS_DEFAULT_REGION";
  EXPECT_EQ(c.endpoint, "https://s3only:9443") << "the S3-specific endpoint first";
  EXPECT_TRUE(c.path_style);
  EXPECT_EQ(c.credentials_source.find("envsecret"), std::string::npos);
  env.erase("AWS_ENDPOINT_URL_S3");
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config(EnvOf(env)));
  EXPECT_EQ(c.endpoint, "http://generic:9000");
  env["AWS_ENDPOINT_URL"] = "minio:9000";
  Result<S3Config> bad = LoadS3Config(EnvOf(env));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("envsecret"), std::string::npos);
}

TEST(S3Xml, ErrorCodesAndListingsParse) {
  const std::string error =
      "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>";
  EXPECT_EQ(XmlText(error, "Code"), "NoSuchBucket");
  EXPECT_EQ(XmlText("not xml <", "Code"), "");
  const std::string listing =
      "<ListBucketResult><Contents><Key>p/a</Key><Size>3</Size></Contents>"
      "<Contents><Key>p/b</Key><Size>40</Size></Contents></ListBucketResult>";
  const auto rows = XmlRecords(listing, "Contents", {"Key", "Size"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"p/b", "40"}));
  EXPECT_EQ(UriEncode("db/x y+z.sql.gz", true), "db/x%20y%2Bz.sql.gz");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
}

// A store that cannot append (as a bucket cannot): every call goes to a directory, but appendable
// objects take Store's default, batch objects.
class BatchingStore : public Store {
 public:
  explicit BatchingStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  const std::string& location() const override { return inner_->location(); }
  std::string Describe(std::string_view name) const override { return inner_->Describe(name); }
  Result<std::vector<ObjectInfo>> List() const override { return inner_->List(); }
  Result<std::optional<uint64_t>> Stat(std::string_view name) const override {
    return inner_->Stat(name);
  }
  Result<std::unique_ptr<ObjectReader>> OpenRead(std::string_view name) const override {
    return inner_->OpenRead(name);
  }
  Result<std::unique_ptr<ObjectWriter>> Create(std::string_view name,
                                               CreateOptions options) override {
    return inner_->Create(name, {.fsync = false});
  }
  Status Remove(std::string_view name) override { return inner_->Remove(name); }
  Status Rename(std::string_view from, std::string_view to) override {
    return inner_->Rename(from, to);
  }
  Status PointLatest(std::string_view prefix, std::string_view name) override {
    return inner_->PointLatest(prefix, name);
  }
  Result<std::optional<std::string>> ReadLatest(std::string_view prefix) const override {
    return inner_->ReadLatest(prefix);
  }
  Result<std::unique_ptr<StoreLock>> Lock(std::string_view prefix, int* took_over) override {
    return inner_->Lock(prefix, took_over);
  }
  Result<int> CleanupIncomplete(std::string_view name_prefix) override {
    return inner_->CleanupIncomplete(name_prefix);
  }

 private:
  std::unique_ptr<Store> inner_;
};

std::vector<std::string> Names(const Store& store) {
  std::vector<std::string> names;
  auto objects = store.List();
  if (objects.ok()) {
    for (const ObjectInfo& o : *objects) names.push_back(o.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Appended(const Store& store, std::string_view name) {
  auto reader = store.OpenAppended(name);
  if (!reader.ok()) return "<" + reader.status().message() + ">";
  std::string out;
  Status st = (*reader)->ReadAt(0, (*reader)->size(), &out);
  return st.ok() ? out : "<" + st.message() + ">";
}

// The same contract on both forms: appended bytes readable before Seal, `keep` cuts off the tail
// (inside a batch too), Seal makes the object and removes the appendable form.
void CheckAppendContract(Store& store, const std::vector<std::string>& partial_names) {
  EXPECT_EQ(store.OpenAppended("b.gz").status().code(), StatusCode::kNotFound);
  {
    ASSERT_OK_AND_ASSIGN(auto w, store.OpenAppend("b.gz", 0));
    ASSERT_OK(w->Append("abc", true));
    ASSERT_OK(w->Append("def", true));
    ASSERT_OK(w->Append("gh", true));
  }
  EXPECT_EQ(Appended(store, "b.gz"), "abcdefgh");
  EXPECT_EQ(Names(store), partial_names);
  // Reopened keeping 4 bytes: "abcd", then appended to.
  ASSERT_OK_AND_ASSIGN(auto w, store.OpenAppend("b.gz", 4));
  EXPECT_EQ(Appended(store, "b.gz"), "abcd");
  ASSERT_OK(w->Append("XY", true));
  EXPECT_EQ(Appended(store, "b.gz"), "abcdXY");
  ASSERT_OK(w->Seal());
  EXPECT_EQ(Names(store), std::vector<std::string>{"b.gz"});
  ASSERT_OK_AND_ASSIGN(std::string sealed, store.ReadSmall("b.gz"));
  EXPECT_EQ(sealed, "abcdXY");
  EXPECT_EQ(store.OpenAppended("b.gz").status().code(), StatusCode::kNotFound);
  // Keeping more than there is is refused rather than inventing bytes.
  ASSERT_OK_AND_ASSIGN(auto c, store.OpenAppend("c.gz", 0));
  ASSERT_OK(c->Append("12", true));
  EXPECT_EQ(store.OpenAppend("c.gz", 3).status().code(), StatusCode::kInternal);
  EXPECT_EQ(Appended(store, "c.gz"), "12");
}

TEST(AppendableObjects, AFileAppendsInPlaceAndSealsByRename) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(dir.path()));
  CheckAppendContract(*store, {"b.gz.partial"});
}

TEST(AppendableObjects, ABucketWritesEachDurableAppendAsABatchAndJoinsThemAtSeal) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto local, OpenStore(dir.path()));
  BatchingStore store(std::move(local));
  CheckAppendContract(store,
                      {"b.gz.partial.00000001", "b.gz.partial.00000002", "b.gz.partial.00000003"});
  // Appends that need not be durable wait in memory (a batch per durable point, not per call).
  ASSERT_OK_AND_ASSIGN(auto w, store.OpenAppend("d.gz", 0));
  ASSERT_OK(w->Append("1", false));
  ASSERT_OK(w->Append("2", false));
  EXPECT_EQ(store.OpenAppended("d.gz").status().code(), StatusCode::kNotFound);
  ASSERT_OK(w->Append("", true));
  EXPECT_EQ(Appended(store, "d.gz"), "12");
  std::vector<std::string> names = Names(store);
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.rfind("d.gz.partial.", 0) == 0; }),
            1);
}

}  // namespace
}  // namespace myvault::storage
