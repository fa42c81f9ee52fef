#include "crypto_flags.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "flags.h"

namespace myvault::cli {
namespace {

void Warn(const std::string& warning) {
  if (!warning.empty()) std::fprintf(stderr, "myvault: warning: %s\n", warning.c_str());
}

// Creates `path` exclusively with `mode` and writes `text`; never replaces an existing file (a
// key that is overwritten loses every backup made for it).
Status WriteNewFile(const std::string& path, std::string_view text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0 && errno == EEXIST) {
    return InvalidArgument(path + " already exists: keygen never replaces a key");
  }
  if (fd < 0) return IoErrorFromErrno("create " + path, errno);
  Status s = ::fchmod(fd, mode) == 0 ? Status::Ok() : IoErrorFromErrno("chmod " + path, errno);
  size_t done = 0;
  while (s.ok() && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s = IoErrorFromErrno("write " + path, errno);
    done += n > 0 ? static_cast<size_t>(n) : 0;
  }
  if (s.ok() && ::fsync(fd) != 0) s = IoErrorFromErrno("fsync " + path, errno);
  ::close(fd);
  if (!s.ok()) ::unlink(path.c_str());
  return s;
}

}  // namespace

void EncryptFlags::Register(CLI::App* app) {
  AddListOption(app, "--encrypt-to", &encrypt_to,
                "Encrypt the archive (format 2) for these public key files (myvault keygen); "
                "verify needs no key, restore needs a private key")
      ->envname("BACKUP_ENCRYPT_TO")
      ->type_name("PUBFILE");
  app->add_option("--passphrase-file", passphrase_file,
                  "Encrypt the archive so that the passphrase in this file opens it too")
      ->envname("BACKUP_PASSPHRASE_FILE")
      ->type_name("FILE");
}

Status EncryptFlags::Load(std::vector<archive::PublicKey>* recipients,
                          std::optional<archive::SecretBytes>* passphrase) const {
  for (const std::string& path : encrypt_to) {
    if (path.empty()) continue;
    ASSIGN_OR_RETURN(archive::PublicKey key, archive::ReadPublicKeyFile(path));
    recipients->push_back(key);
  }
  if (passphrase_file.empty()) return Status::Ok();
  std::string warning;
  ASSIGN_OR_RETURN(*passphrase, archive::ReadPassphraseFile(passphrase_file, &warning));
  Warn(warning);
  return Status::Ok();
}

void DecryptFlags::Register(CLI::App* app, bool passphrase) {
  app->add_option("--decrypt-with", decrypt_with,
                  "Private key file that opens an encrypted archive (mode 0600)")
      ->envname("BACKUP_DECRYPT_WITH")
      ->type_name("KEYFILE");
  if (!passphrase) return;
  app->add_option("--passphrase-file", passphrase_file,
                  "File holding the passphrase that opens an encrypted archive")
      ->envname("BACKUP_PASSPHRASE_FILE")
      ->type_name("FILE");
}

Result<archive::Identity> DecryptFlags::Load() const {
  archive::Identity identity;
  std::string warning;
  if (!decrypt_with.empty()) {
    ASSIGN_OR_RETURN(identity.secret_key, archive::ReadSecretKeyFile(decrypt_with, &warning));
    Warn(warning);
  }
  if (!passphrase_file.empty()) {
    warning.clear();
    ASSIGN_OR_RETURN(identity.passphrase, archive::ReadPassphraseFile(passphrase_file, &warning));
    Warn(warning);
  }
  return identity;
}

void KeygenCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "keygen", "Make a key pair for encrypted backups: FILE (private, 0600) and FILE.pub");
  app->set_help_flag("--help", "Show this help");
  app->add_option("-o,--out", out, "Private key file to create (FILE.pub is created beside it)")
      ->required();
  app->footer(
      "Give FILE.pub to --encrypt-to on the backup host; keep FILE elsewhere, for restore and "
      "drill (--decrypt-with). Existing files are never replaced.");
}

Status KeygenCommand::Run() {
  ASSIGN_OR_RETURN(archive::KeyPair pair, archive::GenerateKeyPair());
  const std::string pub = out + ".pub";
  for (const std::string& path : {out, pub}) {
    if (::access(path.c_str(), F_OK) == 0) {
      return InvalidArgument(path + " already exists: keygen never replaces a key");
    }
  }
  RETURN_IF_ERROR(WriteNewFile(out, archive::SecretKeyFileText(pair).view(), 0600));
  Status s = WriteNewFile(pub, archive::PublicKeyFileText(pair.public_key), 0644);
  if (!s.ok()) {
    ::unlink(out.c_str());
    return s;
  }
  std::printf("wrote the private key %s (mode 0600) and the public key %s\n", out.c_str(),
              pub.c_str());
  return Status::Ok();
}

}  // namespace myvault::cli
