#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "myvault/mysql/options.h"

namespace myvault::mysql {
namespace {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "myvault-options-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

OptionFile Parse(std::string_view text) {
  OptionFile file;
  const Status s = ParseOptionFileText(text, "/test/my.cnf", &file);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return file;
}

// "key=value" or "key" for a bare key, in file order.
std::vector<std::string> Entries(const OptionFile& file, const std::string& group) {
  std::vector<std::string> out;
  const auto it = file.groups.find(group);
  if (it == file.groups.end()) return out;
  for (const OptionEntry& e : it->second) out.push_back(e.value ? e.key + "=" + *e.value : e.key);
  return out;
}

using Strings = std::vector<std::string>;

TEST(OptionFileTest, GroupsKeysAndComments) {
  const OptionFile file = Parse(
      "# comment\n"
      "; another comment\n"
      "\n"
      "[Client]\r\n"
      "  host = db.example.com  \r\n"
      "port=3307 # inline comment\n"
      "ssl_ca=/etc/ca.pem\n"
      "loose-default_character_set = utf8mb4\n"
      "password\n"
      "[mysqldump]\n"
      "quick\n");
  EXPECT_EQ(Entries(file, "client"),
            (Strings{"host=db.example.com", "port=3307", "ssl-ca=/etc/ca.pem",
                     "default-character-set=utf8mb4", "password"}));
  EXPECT_EQ(Entries(file, "mysqldump"), Strings{"quick"});
}

TEST(OptionFileTest, QuotesEscapesAndHashInsideQuotes) {
  const OptionFile file = Parse(
      "[client]\n"
      "a = \"pa#ss word\"  # comment\n"
      "b = 'it''s'\n"
      "c = \"x\\ty\\nz\\\\w\\\"q\\'\"\n"
      "d = a\\sb\n"
      "e = c:\\dir\n"
      "f = ''\n"
      "g = 'one'two\n"
      "h =\n");
  EXPECT_EQ(Entries(file, "client"), (Strings{"a=pa#ss word", "b=it''s", "c=x\ty\nz\\w\"q'",
                                              "d=a b", "e=c:\\dir", "f=", "g='one'two", "h="}));
}

TEST(OptionFileTest, RepeatedGroupsAccumulateInOrder) {
  const OptionFile file = Parse("[client]\nuser=a\n[myvault]\nhost=h\n[client]\nuser=b\n");
  EXPECT_EQ(Entries(file, "client"), (Strings{"user=a", "user=b"}));
}

TEST(OptionFileTest, OptionBeforeAnyGroupIsAnErrorNamingTheLine) {
  OptionFile file;
  const Status s = ParseOptionFileText("# hi\nhost=x\n[client]\n", "/etc/x.cnf", &file);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("/etc/x.cnf:2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("host=x"), std::string::npos) << s.message();
}

TEST(OptionFileTest, BrokenGroupLineAndNamelessOptionAreErrors) {
  OptionFile file;
  EXPECT_EQ(ParseOptionFileText("[client\n", "f", &file).code(), StatusCode::kInvalidArgument);
  const Status s = ParseOptionFileText("[client]\n= x\n", "f", &file);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("f:2"), std::string::npos) << s.message();
}

TEST(OptionFileTest, IncludesAreSplicedInPlaceAndDirectoriesReadInNameOrder) {
  TempDir dir;
  dir.Write("sub/extra.cnf", "[client]\nuser=from-include\n");
  dir.Write("conf.d/b.cnf", "[client]\nuser=from-b\nport=2\n");
  dir.Write("conf.d/a.cnf", "[client]\nuser=from-a\nport=1\n");
  dir.Write("conf.d/ignored.txt", "[client]\nuser=from-txt\n");
  const std::string main = dir.Write("my.cnf",
                                     "[client]\nuser=first\n"
                                     "!include sub/extra.cnf\n"
                                     "!include missing.cnf\n"
                                     "!includedir " +
                                         dir.Path("conf.d") +
                                         "\n"
                                         "host=last\n");
  Result<OptionFile> file = ParseOptionFile(main);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(Entries(*file, "client"), (Strings{"user=first", "user=from-include", "user=from-a",
                                               "port=1", "user=from-b", "port=2", "host=last"}));
}

TEST(OptionFileTest, IncludeCycleIsAnError) {
  TempDir dir;
  const std::string a = dir.Write("a.cnf", "[client]\n!include b.cnf\n");
  dir.Write("b.cnf", "!include a.cnf\n");
  Result<OptionFile> file = ParseOptionFile(a);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("nested"), std::string::npos) << file.status().message();
}

TEST(OptionFileTest, MissingFileIsNotFoundNamingIt) {
  Result<OptionFile> file = ParseOptionFile("/nonexistent/my.cnf");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_NE(file.status().message().find("/nonexistent/my.cnf"), std::string::npos);
}

TEST(LoadOptionGroupsTest, LaterGroupsInTheListWinWhateverTheirPlaceInTheFile) {
  TempDir dir;
  OptionSources sources;
  sources.defaults_file = dir.Write("my.cnf",
                                    "[myvault]\nhost=from-myvault\n"
                                    "[client]\nhost=from-client\nuser=client-user\n"
                                    "[mysqldump]\nuser=dump-user\nport=9\n");
  Result<OptionValues> values = LoadOptionGroups(sources, Environment{});
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  EXPECT_EQ(values->at("host"), "from-myvault");
  EXPECT_EQ(values->at("user"), "client-user");
  EXPECT_EQ(values->count("port"), 0u);
}

TEST(LoadOptionGroupsTest, MissingExplicitFilesAreErrors) {
  OptionSources sources;
  sources.defaults_file = "/nonexistent/defaults.cnf";
  Result<OptionValues> values = LoadOptionGroups(sources, Environment{});
  ASSERT_FALSE(values.ok());
  EXPECT_EQ(values.status().code(), StatusCode::kNotFound);
  EXPECT_NE(values.status().message().find("/nonexistent/defaults.cnf"), std::string::npos);

  OptionSources extra;
  extra.defaults_extra_file = "/nonexistent/extra.cnf";
  EXPECT_EQ(LoadOptionGroups(extra, Environment{}).status().code(), StatusCode::kNotFound);
}

TEST(LoadOptionGroupsTest, HomeFileOverridesExtraFileAndMissingHomeFileIsSkipped) {
  TempDir dir;
  OptionSources sources;
  sources.defaults_extra_file = dir.Write("extra.cnf", "[client]\nuser=extra\nport=1234\n");
  dir.Write("home/.my.cnf", "[client]\nuser=home\n");
  Result<OptionValues> values =
      LoadOptionGroups(sources, Environment{{{"HOME", dir.Path("home")}}});
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  EXPECT_EQ(values->at("user"), "home");
  EXPECT_EQ(values->at("port"), "1234");

  values = LoadOptionGroups(sources, Environment{{{"HOME", dir.Path("nohome")}}});
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  EXPECT_EQ(values->at("user"), "extra");
}

TEST(LoadOptionGroupsTest, FilesAreReadInMysqlOrder) {
  OptionSources sources;
  sources.defaults_extra_file = "/x/extra.cnf";
  const Environment env{{{"HOME", "/home/u"}, {"MYSQL_HOME", "/opt/m"}}};
  Result<std::vector<OptionFileToRead>> files = OptionFilesToRead(sources, env);
  ASSERT_TRUE(files.ok());
  Strings paths;
  for (const OptionFileToRead& f : *files) paths.push_back(f.path + (f.required ? "!" : ""));
  EXPECT_EQ(paths, (Strings{"/etc/my.cnf", "/etc/mysql/my.cnf", "/opt/m/my.cnf", "/x/extra.cnf!",
                            "/home/u/.my.cnf"}));

  OptionSources only;
  only.defaults_file = "/x/only.cnf";
  files = OptionFilesToRead(only, env);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_TRUE((*files)[0].required);
}

TEST(LoadOptionGroupsTest, NoDefaultsReadsNothingAndRejectsExplicitFiles) {
  OptionSources sources;
  sources.no_defaults = true;
  Result<OptionValues> values = LoadOptionGroups(sources, Environment{{{"HOME", "/root"}}});
  ASSERT_TRUE(values.ok());
  EXPECT_TRUE(values->empty());
  sources.defaults_file = "/x.cnf";
  EXPECT_EQ(LoadOptionGroups(sources, Environment{}).status().code(), StatusCode::kInvalidArgument);
  OptionSources both;
  both.defaults_file = "/a.cnf";
  both.defaults_extra_file = "/b.cnf";
  EXPECT_EQ(OptionFilesToRead(both, Environment{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ApplyOptionGroupsTest, ConnectionKeysAreAppliedAndOthersIgnored) {
  ConnectionOptions o;
  const OptionValues values = {{"host", "h"},
                               {"port", "3307"},
                               {"socket", "/s.sock"},
                               {"user", "u"},
                               {"password", "pw"},
                               {"database", "not-for-us"},
                               {"ssl-ca", "/ca.pem"},
                               {"ssl-verify-server-cert", std::nullopt},
                               {"default-character-set", "utf8mb4"},
                               {"connect-timeout", "5"},
                               {"quick", std::nullopt},
                               {"max-allowed-packet", "1G"}};
  ASSERT_TRUE(ApplyOptionGroups(values, &o).ok());
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.port, 3307u);
  EXPECT_EQ(o.socket, "/s.sock");
  EXPECT_EQ(o.user, "u");
  EXPECT_EQ(o.password, "pw");
  EXPECT_FALSE(o.prompt_password);
  EXPECT_EQ(o.database, "");
  EXPECT_EQ(o.ssl_ca, "/ca.pem");
  EXPECT_TRUE(o.ssl_verify_server_cert);
  EXPECT_EQ(o.default_character_set, "utf8mb4");
  EXPECT_EQ(o.connect_timeout_s, 5u);
}

TEST(ApplyOptionGroupsTest, BarePasswordPromptsAndBadValuesAreErrors) {
  ConnectionOptions o;
  o.password = "old";
  ASSERT_TRUE(ApplyOptionGroups({{"password", std::nullopt}}, &o).ok());
  EXPECT_TRUE(o.prompt_password);
  EXPECT_FALSE(o.password.has_value());
  for (const char* bad : {"", "abc", "0", "65536", "33o6"}) {
    const Status s = ApplyOptionGroups({{"port", bad}}, &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("port"), std::string::npos) << s.message();
  }
  EXPECT_FALSE(ApplyOptionGroups({{"ssl-verify-server-cert", "maybe"}}, &o).ok());
  ASSERT_TRUE(ApplyOptionGroups({{"ssl-verify-server-cert", "OFF"}}, &o).ok());
  EXPECT_FALSE(o.ssl_verify_server_cert);
}

}  // namespace
}  // namespace myvault::mysql
