#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "myvault/mysql/options.h"

namespace myvault::mysql {
namespace {

// argv made of writable copies, as the kernel hands them to main().
class Argv {
 public:
  explicit Argv(std::vector<std::string> args) : storage_(std::move(args)) {
    for (std::string& s : storage_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
    argc_ = static_cast<int>(storage_.size());
  }
  PasswordArg Extract() { return ExtractPasswordArgs(&argc_, pointers_.data()); }
  std::vector<std::string> Remaining() const {
    EXPECT_EQ(pointers_[static_cast<size_t>(argc_)], nullptr);
    return {pointers_.begin(), pointers_.begin() + argc_};
  }
  // The original argument memory, as /proc/PID/cmdline shows it.
  const std::string& Original(size_t i) const { return storage_[i]; }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
  int argc_;
};

using Strings = std::vector<std::string>;

TEST(PasswordArgsTest, BareShortFlagPromptsAndDoesNotTakeTheNextArgument) {
  Argv argv({"myvault", "dump", "-p", "db"});
  const PasswordArg p = argv.Extract();
  EXPECT_TRUE(p.given);
  EXPECT_FALSE(p.value.has_value());
  EXPECT_EQ(argv.Remaining(), (Strings{"myvault", "dump", "db"}));
}

TEST(PasswordArgsTest, AttachedValueIsTakenAndScrubbed) {
  Argv argv({"myvault", "-psecret", "db"});
  const PasswordArg p = argv.Extract();
  EXPECT_TRUE(p.given);
  EXPECT_EQ(p.value, "secret");
  EXPECT_EQ(argv.Remaining(), (Strings{"myvault", "db"}));
  EXPECT_EQ(argv.Original(1), "-pxxxxxx");
}

TEST(PasswordArgsTest, LongForms) {
  Argv with_value({"myvault", "--password=s", "--user", "root"});
  PasswordArg p = with_value.Extract();
  EXPECT_EQ(p.value, "s");
  EXPECT_EQ(with_value.Remaining(), (Strings{"myvault", "--user", "root"}));
  EXPECT_EQ(with_value.Original(1), "--password=x");

  Argv bare({"myvault", "--password", "db"});
  p = bare.Extract();
  EXPECT_TRUE(p.given);
  EXPECT_FALSE(p.value.has_value());
  EXPECT_EQ(bare.Remaining(), (Strings{"myvault", "db"}));

  Argv empty({"myvault", "--password="});
  p = empty.Extract();
  EXPECT_EQ(p.value, "");
}

TEST(PasswordArgsTest, OtherOptionsAreLeftAlone) {
  Argv argv({"myvault", "-P", "3306", "-P3307", "--port=1", "--passwords", "--", "-pnot"});
  const PasswordArg p = argv.Extract();
  EXPECT_FALSE(p.given);
  EXPECT_EQ(argv.Remaining(),
            (Strings{"myvault", "-P", "3306", "-P3307", "--port=1", "--passwords", "--", "-pnot"}));
  EXPECT_EQ(argv.Original(7), "-pnot");
}

TEST(PasswordArgsTest, TheLastOneCountsAndAllAreScrubbed) {
  Argv argv({"myvault", "-pfirst", "--password=second", "-p"});
  PasswordArg p = argv.Extract();
  EXPECT_FALSE(p.value.has_value());
  EXPECT_EQ(argv.Original(1), "-pxxxxx");
  EXPECT_EQ(argv.Original(2), "--password=xxxxxx");
  EXPECT_EQ(argv.Remaining(), Strings{"myvault"});
}

// `-p S3cret` (a space) asks for the password and leaves S3cret as an argument: it stays in argv
// but is noted as unsafe to print, like the value of a misspelt --passwd=.
TEST(PasswordArgsTest, WhatMayBeAPasswordIsNotedAsUnsafeToPrint) {
  Argv argv({"myvault", "-p", "S3cret", "--password", "Other1", "-p", "--user", "--passwd=Typo",
             "--pass=Abbrev", "--port=3306", "-p"});
  const PasswordArg p = argv.Extract();
  EXPECT_EQ(p.unsafe_to_print, (Strings{"S3cret", "Other1", "Typo", "Abbrev"}));
  EXPECT_EQ(argv.Remaining(), (Strings{"myvault", "S3cret", "Other1", "--user", "--passwd=Typo",
                                       "--pass=Abbrev", "--port=3306"}));
  EXPECT_TRUE(Argv({"myvault", "-pgiven", "db"}).Extract().unsafe_to_print.empty());
  EXPECT_TRUE(Argv({"myvault", "-p", "--", "S3cret"}).Extract().unsafe_to_print.empty());
}

TEST(HideUnsafeArgumentsTest, HidesWholeOccurrencesOnly) {
  PasswordArg p;
  p.unsafe_to_print = {"S3cret", "db", "p@ss!"};
  EXPECT_EQ(HideUnsafeArguments("The following argument was not expected: S3cret", p),
            "The following argument was not expected: <hidden: may be a password>");
  EXPECT_EQ(HideUnsafeArguments("open '/tmp/S3cret.partial': S3cret", p),
            "open '/tmp/<hidden: may be a password>.partial': <hidden: may be a password>");
  EXPECT_EQ(HideUnsafeArguments("Unknown database 'db' (dbx, mydb)", p),
            "Unknown database '<hidden: may be a password>' (dbx, mydb)");
  EXPECT_EQ(HideUnsafeArguments("x:p@ss!y", p), "x:<hidden: may be a password>y");
  EXPECT_EQ(HideUnsafeArguments("nothing to hide", PasswordArg{}), "nothing to hide");
}
// A pseudo-terminal: the test types on the master side; PromptPasswordOn reads the slave.
class PtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master_, 0);
    ASSERT_EQ(::grantpt(master_), 0);
    ASSERT_EQ(::unlockpt(master_), 0);
    slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY);
    ASSERT_GE(slave_, 0);
  }
  void TearDown() override {
    ::close(slave_);
    ::close(master_);
  }

  // Reads what the program wrote to the terminal until `until` appears (or 5 s pass).
  std::string ReadScreen(std::string_view until) {
    std::string screen;
    while (screen.find(until) == std::string::npos) {
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) break;
      char buf[256];
      const ssize_t n = ::read(master_, buf, sizeof(buf));
      if (n <= 0) break;
      screen.append(buf, static_cast<size_t>(n));
    }
    return screen;
  }

  // Runs the prompt, types `keys` once the prompt shows, and returns the result and the screen.
  Result<std::string> Type(std::string_view keys, std::string* screen) {
    Result<std::string> result = Internal("not run");
    std::thread prompt([&] { result = PromptPasswordOn(slave_, "Enter password: "); });
    *screen = ReadScreen("Enter password: ");
    EXPECT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
    prompt.join();
    *screen += ReadScreen("\n");
    return result;
  }

  int master_ = -1;
  int slave_ = -1;
};

TEST_F(PtyTest, ReadsALineWithoutEchoAndRestoresTheTerminal) {
  termios before;
  ASSERT_EQ(::tcgetattr(slave_, &before), 0);
  std::string screen;
  Result<std::string> pw = Type("s3cret\n", &screen);
  ASSERT_TRUE(pw.ok()) << pw.status().ToString();
  EXPECT_EQ(*pw, "s3cret");
  EXPECT_EQ(screen.find("s3cret"), std::string::npos) << screen;
  termios after;
  ASSERT_EQ(::tcgetattr(slave_, &after), 0);
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_TRUE(after.c_lflag & ECHO);
}

TEST_F(PtyTest, EraseAndKillEditTheLine) {
  std::string screen;
  Result<std::string> pw = Type(
      "zz\x15"
      "abc\x7f\x7f"
      "d\r",
      &screen);
  ASSERT_TRUE(pw.ok()) << pw.status().ToString();
  EXPECT_EQ(*pw, "ad");
}

TEST_F(PtyTest, CtrlDSubmitsWhatWasTyped) {
  std::string screen;
  Result<std::string> pw = Type("ab\x04", &screen);
  ASSERT_TRUE(pw.ok()) << pw.status().ToString();
  EXPECT_EQ(*pw, "ab");
}

TEST_F(PtyTest, CtrlCCancels) {
  std::string screen;
  Result<std::string> pw = Type("ab\x03", &screen);
  EXPECT_EQ(pw.status().code(), StatusCode::kCancelled);
  termios after;
  ASSERT_EQ(::tcgetattr(slave_, &after), 0);
  EXPECT_TRUE(after.c_lflag & ISIG);
}

TEST(PromptPasswordTest, APipeIsNotATerminal) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Result<std::string> pw = PromptPasswordOn(fds[0], "pw: ");
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(pw.status().code(), StatusCode::kInvalidArgument);
}

TEST(PromptPasswordDeathTest, WithoutAControllingTerminalIsAUsageError) {
  // The child leaves its session, so it has no /dev/tty; it exits 0 only on the expected error.
  EXPECT_EXIT(
      {
        ::setsid();
        Result<std::string> pw = PromptPassword("pw: ");
        std::_Exit(!pw.ok() && pw.status().code() == StatusCode::kInvalidArgument ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace myvault::mysql
