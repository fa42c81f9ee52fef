// Private to mysqldump mode: where the SQL stream goes, and the script walk that interleaves
// the DDL text with the rows the ordered pipeline delivers.
//
// SqlOutput writes to standard output, or to --result-file through FILE.partial (mode 0600):
// Commit() flushes, fsyncs, renames to FILE and fsyncs the directory; destroying an
// uncommitted output removes FILE.partial, so a failed dump leaves no file behind.
// ScriptWriter walks the items of BuildScript, writing text items until it reaches the place of
// the table whose rows arrive. Neither is thread-safe: the ordered writer node (serial) and then
// the main thread use them, one after the other.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/writer.h"
#include "myvault/dump/catalog.h"
#include "myvault/dump/pipeline.h"
#include "myvault/mysqldump/script.h"
#include "myvault/status.h"

namespace myvault::mysqldump {

class SqlOutput {
 public:
  // `result_file` empty: standard output.
  static Result<std::unique_ptr<SqlOutput>> Open(const std::string& result_file);
  ~SqlOutput();
  Status Write(std::string_view bytes);
  Status Commit();
  // After a failure, on standard output only (a result file is removed instead): ends the
  // stream with a comment naming `cause` and a SIGNAL, so that `mysql < FILE` of what a pipe
  // saved stops with an error instead of reporting success. Best effort: errors are ignored.
  void MarkIncomplete(const Status& cause);
  uint64_t bytes_written() const { return bytes_; }

 private:
  SqlOutput(std::unique_ptr<archive::FileSink> sink, std::string path);
  Status Flush();
  Status Fail(std::string_view op, const Status& cause);

  std::unique_ptr<archive::FileSink> sink_;
  std::string path_;     // "" for standard output
  std::string partial_;  // path_ + ".partial"
  std::string buffer_;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

class ScriptWriter : public dump::OrderedSink {
 public:
  ScriptWriter(const std::vector<ScriptItem>* items, const dump::Catalog* catalog, SqlOutput* out)
      : items_(*items), catalog_(*catalog), out_(*out) {}
  // Writes the text up to table `table`'s rows, then `sql`.
  Status Rows(size_t table, std::string_view sql) override;
  // Writes everything after the last rows.
  Status Finish();

 private:
  const std::vector<ScriptItem>& items_;
  const dump::Catalog& catalog_;
  SqlOutput& out_;
  size_t next_ = 0;  // the first item not yet written
};

}  // namespace myvault::mysqldump
