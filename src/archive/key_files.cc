// Reading the key and passphrase files that --encrypt-to, --decrypt-with and --passphrase-file
// name (crypto.h). Contents never appear in a message.
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "archive/file_io.h"
#include "myvault/archive/crypto.h"

namespace myvault::archive {
namespace {

constexpr size_t kMaxKeyFileSize = 64 * 1024;

// The whole file into *out (at most 64 KiB), and a warning when a secret file is readable by
// group or others.
Status ReadSmallFile(const std::string& path, bool secret, std::string* out, std::string* warning) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return KeyError("key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > off_t(kMaxKeyFileSize)) {
    ::close(fd);
    return KeyError("key file " + path + ": not a regular file of at most 64 KiB");
  }
  if (secret && (st.st_mode & 077) != 0 && warning != nullptr) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", unsigned(st.st_mode & 07777));
    *warning = "key file " + path + " is readable by group or others (mode " + mode +
               "): chmod 600 " + path;
  }
  out->assign(size_t(st.st_size), '\0');
  size_t have = 0;
  while (have < out->size()) {
    Result<size_t> got = ReadSome(fd, out->data() + have, out->size() - have);
    if (!got.ok()) {
      ::close(fd);
      return KeyError("key file " + path + ": " + got.status().message());
    }
    if (*got == 0) break;
    have += *got;
  }
  ::close(fd);
  out->resize(have);
  return Status::Ok();
}

}  // namespace

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  std::string text;
  RETURN_IF_ERROR(ReadSmallFile(path, false, &text, nullptr));
  Result<PublicKey> key = ParsePublicKey(text);
  if (!key.ok()) return key.status().WithContext("key file " + path);
  return key;
}

Result<SecretBytes> ReadSecretKeyFile(const std::string& path, std::string* warning) {
  std::string text;
  Status read = ReadSmallFile(path, true, &text, warning);
  Result<SecretBytes> key = read.ok() ? ParseSecretKey(text) : Result<SecretBytes>(read);
  OPENSSL_cleanse(text.data(), text.size());
  if (!key.ok() && read.ok()) return key.status().WithContext("key file " + path);
  return key;
}

Result<SecretBytes> ReadPassphraseFile(const std::string& path, std::string* warning) {
  std::string text;
  Status read = ReadSmallFile(path, true, &text, warning);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  SecretBytes passphrase(text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!read.ok()) return read;
  if (passphrase.size() == 0) return KeyError("passphrase file " + path + " is empty");
  return passphrase;
}

}  // namespace myvault::archive
