// The archiver's loop (contract in myvault/binlog/archiver.h): stream, write, sync, rotate,
// reconnect, and record gaps.
#include "myvault/binlog/archiver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "archiver_internal.h"
#include "myvault/binlog/events.h"
#include "myvault/common/clock.h"
#include "myvault/mysql/binlog_stream.h"
#include "myvault/ops/backup_dir.h"

namespace myvault::binlog {
namespace {

constexpr size_t kMemberLimit = size_t{8} << 20;  // bytes of events per member at most (but one)
constexpr uint8_t kRotateEvent = 4;

double SteadyNow() { return MonotonicSeconds(); }

Status GapStatus(std::string message) {
  Status s(StatusCode::kServer, std::move(message));
  s.SetServerError(mysql::kErrBinlogUnavailable, "HY000", false);
  return s;
}

class Archiver {
 public:
  Archiver(const ArchiverOptions& o, ErrorCollector* cancel) : o_(o), cancel_(cancel) {}
  Status Run();

 private:
  Result<std::unique_ptr<mysql::Session>> Connect() const;
  Status Resume(mysql::Session& session);
  Status AdoptSealed();
  Status StartFile(const std::string& file, const std::string& gap_before);
  Status Stream();
  Status OnEvent(const mysql::BinlogEvent& e);
  Status MaybeFlush(bool heartbeat);
  Status Flush(bool sync, bool everything);
  Status SwitchTo(const std::string& next, const std::string& gap_before);
  Status HandleGap(const Status& cause);
  Status SaveIndex();
  FileRecord& Current() { return index_.files.back(); }
  bool Wait(double seconds) const;
  std::string Where() const { return file_ + ":" + std::to_string(scanner_.position()); }

  const ArchiverOptions& o_;
  ErrorCollector* cancel_;
  std::unique_ptr<storage::Store> store_;
  BinlogIndex index_;
  std::string file_;
  std::unique_ptr<PartialWriter> writer_;
  EventScanner scanner_;
  std::string pending_;           // events received and not yet written
  size_t pending_committed_ = 0;  // bytes of pending_ up to the last transaction boundary
  uint64_t written_ = 0;          // bytes of the server file in the partial
  double last_flush_ = 0, last_index_ = 0;
  bool progressed_ = false;  // the current stream delivered an event
};

Result<std::unique_ptr<mysql::Session>> Archiver::Connect() const {
  mysql::ConnectionOptions c = o_.connection;
  c.read_timeout_s = static_cast<unsigned>(std::max(10.0, std::ceil(3 * o_.flush_every_s)));
  return mysql::Session::Connect(c, "binlog");
}

bool Archiver::Wait(double seconds) const {
  const double until = SteadyNow() + seconds;
  while (SteadyNow() < until) {
    if (cancel_->cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !cancel_->cancelled();
}

Status Archiver::SaveIndex() {
  last_index_ = SteadyNow();
  // `prune` removes the oldest complete files and their records: keep its removals (one look at
  // the oldest file per save: in a bucket each look is a request).
  while (!index_.files.empty() && index_.files.front().complete) {
    ASSIGN_OR_RETURN(bool exists, ArchivedExists(*store_, o_.prefix, index_.files.front().file));
    if (exists) break;
    index_.files.erase(index_.files.begin());
  }
  return WriteIndex(*store_, o_.prefix, index_);
}

Status Archiver::StartFile(const std::string& file, const std::string& gap_before) {
  RETURN_IF_ERROR(ValidateServerFileName(file));
  if (index_.Find(file) != nullptr) {
    return Status(StatusCode::kServer,
                  "the server's binlog " + file +
                      " has the name of a file already archived "
                      "(was its binary log reset?): move the archived binlog files of prefix " +
                      o_.prefix + " aside, or archive under another --prefix");
  }
  FileRecord r;
  r.file = file;
  r.gap_before = gap_before;
  index_.files.push_back(r);
  RETURN_IF_ERROR(SaveIndex());
  ASSIGN_OR_RETURN(writer_, PartialWriter::Open(*store_, o_.prefix, file, 0));
  file_ = file;
  scanner_ = EventScanner(kFirstEventPosition);
  pending_ = std::string(kBinlogMagic);
  pending_committed_ = pending_.size();
  written_ = 0;
  return Status::Ok();
}

// Picks up the open partial (or the file after the last complete one), or a first start.
Status Archiver::Resume(mysql::Session& session) {
  ASSIGN_OR_RETURN(index_, ReadIndex(*store_, o_.prefix));
  if (index_.files.empty()) {
    ASSIGN_OR_RETURN(std::string first, FirstStartFile(session, o_));
    return StartFile(first, "");
  }
  // Sealed, but the archiver died before the index said so (its batches may be half removed).
  ASSIGN_OR_RETURN(bool sealed, ArchivedExists(*store_, o_.prefix, Current().file));
  if (!Current().complete && sealed) RETURN_IF_ERROR(AdoptSealed());
  if (Current().complete) {
    ASSIGN_OR_RETURN(std::vector<std::string> logs, ServerBinlogs(session));
    auto it = std::find(logs.begin(), logs.end(), Current().file);
    if (it == logs.end() || it + 1 == logs.end()) {
      return HandleGap(GapStatus("the binlog after " + Current().file + " is gone"));
    }
    return StartFile(*(it + 1), "");
  }
  file_ = Current().file;
  scanner_ = EventScanner(kFirstEventPosition);
  bool magic = false;
  ASSIGN_OR_RETURN(uint64_t kept,
                   RecoverPartial(*store_, o_.prefix, file_, [&](std::string_view m) {
                     if (!magic) {
                       if (m.substr(0, 4) != kBinlogMagic) {
                         return Corrupt("archived binlog " + file_ + " lacks the binlog magic");
                       }
                       m.remove_prefix(4);
                       magic = true;
                     }
                     return scanner_.Feed(m);
                   }));
  ASSIGN_OR_RETURN(writer_, PartialWriter::Open(*store_, o_.prefix, file_, kept));
  pending_ = magic ? "" : std::string(kBinlogMagic);
  pending_committed_ = pending_.size();
  written_ = magic ? scanner_.position() : 0;
  Log(o_, "resuming binlog " + Where() + " (the archive's end" +
              (Current().end > written_
                   ? "; a torn end of " + std::to_string(Current().end - written_) +
                         " bytes is fetched again"
                   : "") +
              ")");
  return Status::Ok();
}

// The open file of the index was sealed complete by a run that stopped before recording it:
// the record is rebuilt from the sealed file, whose checksum is written again (the stop may have
// come before it), and what is left of its partial is removed.
Status Archiver::AdoptSealed() {
  FileRecord& r = Current();
  EventScanner scanner(kFirstEventPosition);
  bool magic = false;
  RETURN_IF_ERROR(ReadArchived(*store_, o_.prefix, r.file, false, [&](std::string_view m) {
    if (!magic) {
      if (m.substr(0, 4) != kBinlogMagic)
        return Corrupt("archived binlog " + r.file + ": no magic");
      m.remove_prefix(4);
      magic = true;
    }
    return scanner.Feed(m);
  }));
  RETURN_IF_ERROR(WriteArchivedSha256(*store_, o_.prefix, r.file));
  RETURN_IF_ERROR(store_->RemoveAppended(ArchivedName(o_.prefix, r.file)));
  r.complete = true;
  r.end = scanner.position();
  r.committed = scanner.committed_position();
  r.first_time = scanner.first_time();
  r.last_time = scanner.last_time();
  r.first_gtid = scanner.first_gtid();
  r.last_gtid = scanner.last_committed().gtid;
  r.last_gtid_time = scanner.last_committed().time;
  Log(o_, "binlog " + r.file + " was sealed complete (" + std::to_string(r.end) +
              " bytes) by a run that stopped before recording it");
  return SaveIndex();
}

Status Archiver::Flush(bool sync, bool everything) {
  const size_t n = everything ? pending_.size() : pending_committed_;
  if (n > 0 || sync)
    RETURN_IF_ERROR(writer_->Append(std::string_view(pending_).substr(0, n), sync));
  pending_.erase(0, n);
  pending_committed_ = 0;  // what is left is an open transaction's (or nothing)
  written_ += n;
  last_flush_ = SteadyNow();
  if (!sync) return Status::Ok();
  FileRecord& r = Current();
  r.end = written_;
  r.committed = std::min<uint64_t>(scanner_.committed_position(), written_);
  r.first_time = scanner_.first_time();
  r.last_time = scanner_.last_time();
  r.first_gtid = scanner_.first_gtid();
  r.last_gtid = scanner_.last_committed().gtid;
  r.last_gtid_time = scanner_.last_committed().time;
  // Every transaction up to the newest one written is in the archive now. A transaction still
  // half received (what a busy server nearly always has in flight) does not hold that back.
  const int64_t held = pending_.empty() ? scanner_.last_time() : scanner_.last_committed().time;
  index_.synced_at = std::max<int64_t>(index_.synced_at, held);
  return SaveIndex();
}

Status Archiver::MaybeFlush(bool heartbeat) {
  const double now = SteadyNow();
  if (pending_.size() >= kMemberLimit && pending_committed_ == 0) {
    RETURN_IF_ERROR(Flush(false, true));  // a big transaction: written, synced at its end
  }
  if (now - last_flush_ >= o_.flush_every_s && pending_committed_ > 0) {
    RETURN_IF_ERROR(Flush(true, false));
  }
  if (heartbeat && pending_.empty() && now - last_index_ >= o_.flush_every_s) {
    index_.synced_at = static_cast<int64_t>(std::time(nullptr));  // nothing more to fetch
    return SaveIndex();
  }
  return Status::Ok();
}

Status Archiver::SwitchTo(const std::string& next, const std::string& gap_before) {
  RETURN_IF_ERROR(Flush(true, true));
  RETURN_IF_ERROR(writer_->Complete());
  Current().complete = true;
  const FileRecord done = Current();
  Log(o_,
      "binlog " + done.file + " complete: " + std::to_string(done.end) + " bytes" +
          (done.last_gtid.empty() ? "" : ", GTIDs " + done.first_gtid + " .. " + done.last_gtid) +
          "; now " + next);
  return StartFile(next, gap_before);
}

Status Archiver::HandleGap(const Status& cause) {
  ASSIGN_OR_RETURN(auto session, Connect());
  ASSIGN_OR_RETURN(std::vector<std::string> logs, ServerBinlogs(*session));
  const std::string where = file_.empty() ? Current().file : Where();
  const std::string text = "binlog GAP after " + where + ": " + cause.message() +
                           "; the recoverable window ends there; archiving goes on from " +
                           logs.front() + ", the oldest binlog the server has";
  Log(o_, text);
  if (o_.alert) o_.alert(text);
  if (writer_ != nullptr && !Current().complete) {
    RETURN_IF_ERROR(Flush(true, true));
    RETURN_IF_ERROR(writer_->Complete());
    Current().complete = true;
    RETURN_IF_ERROR(SaveIndex());
  }
  return StartFile(logs.front(), "gap after " + where + ": " + cause.message());
}

Status Archiver::OnEvent(const mysql::BinlogEvent& e) {
  progressed_ = true;
  if (e.heartbeat) return MaybeFlush(true);
  if (!e.in_file) {
    // The server moved to another file without a rotate event in this one (it stopped or
    // crashed): this file is complete as it is.
    if (e.type == kRotateEvent && !e.rotate_file.empty() && e.rotate_file != file_) {
      return SwitchTo(e.rotate_file, "");
    }
    return Status::Ok();
  }
  const uint64_t start = e.next_position - e.length;
  if (start != scanner_.position()) {
    return GapStatus("the server's " + file_ + " has an event at offset " + std::to_string(start) +
                     " where the archive ends at " + std::to_string(scanner_.position()) +
                     ": the file no longer continues the archive");
  }
  RETURN_IF_ERROR(scanner_.Feed(e.bytes));
  pending_.append(e.bytes);
  if (scanner_.boundary()) pending_committed_ = pending_.size();
  if (e.type == kRotateEvent) return SwitchTo(e.rotate_file, "");
  return MaybeFlush(false);
}

Status Archiver::Stream() {
  ASSIGN_OR_RETURN(auto session, Connect());
  mysql::BinlogStream::Request request;
  request.file = file_;
  request.position = scanner_.position();
  request.replica_server_id =
      o_.replica_server_id != 0 ? o_.replica_server_id : ReplicaServerId(o_.dir, o_.prefix);
  request.heartbeat_s = o_.flush_every_s;
  request.read_timeout_s = static_cast<unsigned>(std::max(10.0, std::ceil(3 * o_.flush_every_s)));
  ASSIGN_OR_RETURN(auto stream, mysql::BinlogStream::Open(std::move(session), request));
  progressed_ = false;
  while (!cancel_->cancelled()) {
    ASSIGN_OR_RETURN(mysql::BinlogEvent e, stream->Next());
    RETURN_IF_ERROR(OnEvent(e));
  }
  return Status::Ok();
}

Status Archiver::Run() {
  ASSIGN_OR_RETURN(store_, storage::OpenStore(o_.dir));
  // Uploads of batches or sealed files that a killed archiver left unfinished (a bucket).
  RETURN_IF_ERROR(store_->CleanupIncomplete(o_.prefix + "-binlog").status());
  double delay = 1;
  bool started = false;
  while (!started) {
    Result<std::unique_ptr<mysql::Session>> session = Connect();
    if (session.ok()) {
      RETURN_IF_ERROR(CheckRequirements(**session, o_));
      RETURN_IF_ERROR(Resume(**session));
      started = true;
      break;
    }
    if (session.status().code() == StatusCode::kAuth) return session.status();
    Log(o_, "cannot connect: " + session.status().message() + "; retrying in " +
                std::to_string(static_cast<int>(delay)) + " s");
    if (!Wait(delay)) return Status::Ok();
    delay = std::min(delay * 2, o_.max_retry_delay_s);
  }
  Log(o_, "archiving binlog from " + Where() + " into " + o_.dir);
  delay = 1;
  for (int attempt = 1;; ++attempt) {
    Status st = Stream();
    if (cancel_->cancelled()) break;
    if (st.server_errno() == mysql::kErrBinlogUnavailable) {
      RETURN_IF_ERROR(HandleGap(st));
      continue;
    }
    if (st.code() == StatusCode::kIo || st.code() == StatusCode::kInternal) return st;
    if (progressed_) delay = 1, attempt = 1;
    RETURN_IF_ERROR(Flush(true, false));
    Log(o_, "binlog stream at " + Where() + " lost: " + st.message() + "; retry " +
                std::to_string(attempt) + " in " + std::to_string(static_cast<int>(delay)) + " s");
    if (!Wait(delay)) break;
    delay = std::min(delay * 2, o_.max_retry_delay_s);
  }
  RETURN_IF_ERROR(Flush(true, true));
  Log(o_, "stopped; the archive ends at " + Where());
  return Status::Ok();
}

}  // namespace

Status RunArchiver(const ArchiverOptions& options, ErrorCollector* cancel) {
  if (options.flush_every_s <= 0) return InvalidArgument("--flush-every must be positive");
  RETURN_IF_ERROR(ops::ValidatePrefix(options.prefix));
  Archiver archiver(options, cancel);
  return archiver.Run();
}

}  // namespace myvault::binlog
