// The encryption flags (docs/format.md section 11): --encrypt-to and --passphrase-file where
// archives are written (dump, backup, daemon), --decrypt-with and --passphrase-file where they are
// read (verify, restore, drill, daemon's drills), and `myvault keygen`. Flags name files, never
// secrets; each also reads an environment variable (a flag given wins over it).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/status.h"

namespace myvault::cli {

// --encrypt-to PUBFILE ... (BACKUP_ENCRYPT_TO, comma-separated) and --passphrase-file FILE
// (BACKUP_PASSPHRASE_FILE).
struct EncryptFlags {
  std::vector<std::string> encrypt_to;
  std::string passphrase_file;

  void Register(CLI::App* app);
  // Reads the files: the recipients' public keys and the passphrase (a warning on stderr when its
  // file is readable by others). KeyError naming a file that cannot be used.
  Status Load(std::vector<archive::PublicKey>* recipients,
              std::optional<archive::SecretBytes>* passphrase) const;
};

// --decrypt-with KEYFILE (BACKUP_DECRYPT_WITH) and, unless `passphrase` is false (the daemon,
// whose --passphrase-file is EncryptFlags'), --passphrase-file FILE (BACKUP_PASSPHRASE_FILE).
struct DecryptFlags {
  std::string decrypt_with;
  std::string passphrase_file;

  void Register(CLI::App* app, bool passphrase = true);
  // The identity the files give (empty when none is named); warns on stderr about a key file
  // that group or others may read.
  Result<archive::Identity> Load() const;
};

// `myvault keygen --out FILE`: a new X25519 key pair, FILE (mode 0600) and FILE.pub.
struct KeygenCommand {
  std::string out;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run();
};

}  // namespace myvault::cli
