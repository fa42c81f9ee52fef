#include <cstdio>

#include "commands.h"
#include "myvault/archive/plain.h"
#include "myvault/common/progress.h"
#include "myvault/verify/plain.h"

namespace myvault::cli {
namespace {

bool IsPlainFile(const std::string& path) {
  const Result<archive::FileFormat> format = archive::DetectFormat(path);
  return format.ok() && *format == archive::FileFormat::kPlain;
}

// A plain `mysqldump | gzip` backup: its .sha256 and a full inflate (verify/plain.h).
Status VerifyPlain(const std::string& path, bool quiet, const ErrorCollector* errors) {
  verify::PlainVerifyReport report;
  RETURN_IF_ERROR(verify::VerifyPlainBackup(path, errors, nullptr, &report));
  if (!quiet) {
    std::printf("%s: plain mysqldump backup: %s, gzip OK: %s of SQL in %s, %.1f s\n", path.c_str(),
                report.sha256_file_checked ? "sha256 OK" : "no .sha256 file",
                ProgressReporter::HumanBytes(static_cast<double>(report.sql_bytes)).c_str(),
                ProgressReporter::HumanBytes(static_cast<double>(report.compressed_bytes)).c_str(),
                report.seconds);
  }
  return Status::Ok();
}

}  // namespace

void VerifyCommand::Register(CLI::App* parent) {
  app =
      parent->add_subcommand("verify", "Check an archive offline: checksums, index, completeness");
  app->set_help_flag("--help", "Show this help");
  app->add_option("file", path, "Archive to check")->required();
  app->add_option("--threads", options.threads, "Decompression threads")->capture_default_str();
  app->add_flag("-q,--quiet", quiet, "Print nothing when the archive is intact");
  decrypt.Register(app);
  app->footer(
      "An encrypted archive is checked without any key (every member's SHA-256, the framing, "
      ".sha256); with --decrypt-with or --passphrase-file every member is also authenticated and "
      "its SQL inflated and checked against the sealed index.");
}

Status VerifyCommand::Run(const ErrorCollector* errors) {
  if (IsPlainFile(path)) return VerifyPlain(path, quiet, errors);
  options.cancel = errors;
  ASSIGN_OR_RETURN(const archive::Identity identity, decrypt.Load());
  options.identity = &identity;
  verify::VerifyReport report;
  RETURN_IF_ERROR(verify::VerifyArchive(path, options, &report));
  const double mb_s =
      report.seconds > 0 ? static_cast<double>(report.compressed_bytes) / 1e6 / report.seconds : 0;
  if (!quiet && report.keyless) {
    std::printf(
        "%s: OK (encrypted; checked without the key: every member's hash%s; contents "
        "not authenticated): %llu rows, %llu chunks, %s, %.1f s, %.1f MB/s read\n",
        path.c_str(), report.sha256_file_checked ? ", .sha256 matches" : ", no .sha256 file",
        static_cast<unsigned long long>(report.rows),
        static_cast<unsigned long long>(report.data_members),
        ProgressReporter::HumanBytes(static_cast<double>(report.compressed_bytes)).c_str(),
        report.seconds, mb_s);
  } else if (!quiet) {
    std::printf(
        "%s: OK: %llu tables, %llu rows, %llu chunks, %s of SQL in %s%s, %.1f s, %.1f MB/s "
        "read\n",
        path.c_str(), static_cast<unsigned long long>(report.table_rows.size()),
        static_cast<unsigned long long>(report.rows),
        static_cast<unsigned long long>(report.data_members),
        ProgressReporter::HumanBytes(static_cast<double>(report.raw_bytes)).c_str(),
        ProgressReporter::HumanBytes(static_cast<double>(report.compressed_bytes)).c_str(),
        report.sha256_file_checked ? ", .sha256 matches" : ", no .sha256 file", report.seconds,
        mb_s);
  }
  return Status::Ok();
}

}  // namespace myvault::cli
