#include "output.h"

#include <unistd.h>

#include <cstdio>

#include "myvault/sql/text.h"

namespace myvault::mysqldump {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

}  // namespace

SqlOutput::SqlOutput(std::unique_ptr<archive::FileSink> sink, std::string path)
    : sink_(std::move(sink)),
      path_(std::move(path)),
      partial_(path_.empty() ? "" : path_ + ".partial") {
  buffer_.reserve(kBufferBytes);
}

Result<std::unique_ptr<SqlOutput>> SqlOutput::Open(const std::string& result_file) {
  if (result_file.empty()) {
    return std::unique_ptr<SqlOutput>(new SqlOutput(archive::FileSink::Borrow(STDOUT_FILENO), ""));
  }
  const std::string partial = result_file + ".partial";
  auto sink = archive::FileSink::Create(partial);
  if (!sink.ok()) {
    return Status(sink.status().code(), "open " + partial + ": " + sink.status().message());
  }
  return std::unique_ptr<SqlOutput>(new SqlOutput(std::move(*sink), result_file));
}

SqlOutput::~SqlOutput() {
  if (committed_ || path_.empty()) return;
  sink_.reset();
  ::unlink(partial_.c_str());
}

Status SqlOutput::Fail(std::string_view op, const Status& cause) {
  std::string where = path_.empty() ? "standard output" : partial_;
  return Status(cause.code(), std::string(op) + " " + where + ": " + cause.message());
}

Status SqlOutput::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status st = sink_->Write(buffer_);
  buffer_.clear();
  return st.ok() ? st : Fail("write", st);
}

Status SqlOutput::Write(std::string_view bytes) {
  if (committed_ || sink_ == nullptr) return Internal("write after the output was closed");
  bytes_ += bytes.size();
  if (buffer_.size() + bytes.size() <= kBufferBytes) {
    buffer_.append(bytes);
    return Status::Ok();
  }
  RETURN_IF_ERROR(Flush());
  if (bytes.size() < kBufferBytes / 2) {
    buffer_.append(bytes);
    return Status::Ok();
  }
  Status st = sink_->Write(bytes);  // a large chunk goes out without a copy
  return st.ok() ? st : Fail("write", st);
}

Status SqlOutput::Commit() {
  RETURN_IF_ERROR(Flush());
  if (path_.empty()) {
    committed_ = true;
    return Status::Ok();
  }
  Status st = sink_->Sync();
  if (!st.ok()) return Fail("fsync", st);
  st = sink_->Close();
  if (!st.ok()) return Fail("close", st);
  if (::rename(partial_.c_str(), path_.c_str()) != 0) {
    return IoErrorFromErrno("rename " + partial_ + " to " + path_, errno);
  }
  committed_ = true;
  return archive::SyncDirectoryOf(path_);
}

void SqlOutput::MarkIncomplete(const Status& cause) {
  if (!path_.empty() || committed_ || sink_ == nullptr) return;
  std::string text =
      "\n-- myvault: THIS DUMP IS INCOMPLETE: " + sql::EscapeLikeComment(cause.message()) +
      "\nSIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
      "'myvault: this dump is incomplete (the dump failed)';\n";
  if (Flush().ok()) (void)sink_->Write(text);
}

Status ScriptWriter::Rows(size_t table, std::string_view sql) {
  while (next_ < items_.size() && items_[next_].table_rows != table) {
    RETURN_IF_ERROR(out_.Write(items_[next_].text));
    ++next_;
  }
  if (next_ == items_.size()) {
    const dump::Table& t = catalog_.tables[table];
    return Internal("rows of " + sql::QualifiedName(t.schema, t.name) +
                    " have no place in the script (out of order?)");
  }
  return out_.Write(sql);
}

Status ScriptWriter::Finish() {
  for (; next_ < items_.size(); ++next_) RETURN_IF_ERROR(out_.Write(items_[next_].text));
  return Status::Ok();
}

}  // namespace myvault::mysqldump
