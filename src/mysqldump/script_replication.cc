// Replication coordinates in a mysqldump-format script.
//
// --master-data=N gives this server's binlog position, --dump-slave=N (which wins) the position
// of this replica's source; N=2 comments the statements out. On MariaDB, --gtid makes
// MASTER_USE_GTID=slave_pos the active statement and the file/position one a comment, and the
// GTID position itself is set at the end of the dump (SET GLOBAL gtid_slave_pos), after the
// mysql schema the dump may restore. On MySQL, --set-gtid-purged (AUTO/ON) sets GTID_PURGED from
// gtid_executed with binary logging off for the load; COMMENTED writes it as a comment.
// MySQL 8.0.23+ gets its own wording (CHANGE REPLICATION SOURCE TO SOURCE_...; 8.4 no longer
// accepts CHANGE MASTER); everything else gets CHANGE MASTER TO MASTER_..., which MariaDB and
// older MySQL both accept (mariadb-dump's `CHANGE MASTER '' TO`, MariaDB-only, is not used).
// The comment wording is ours; the statements are mysqldump's.
#include <algorithm>

#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump::script {
namespace {

bool IsMariaDB(const ScriptFacts& f) { return f.server.flavor == mysql::Flavor::kMariaDB; }

bool SourceWording(const ScriptFacts& f) { return !IsMariaDB(f) && f.server.AtLeast(8, 0, 23); }

std::string ChangeSourceTo(const ScriptFacts& f) {
  return SourceWording(f) ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ";
}

std::string StopReplication(const ScriptFacts& f) {
  if (IsMariaDB(f)) return "STOP ALL SLAVES;\n";
  return f.server.AtLeast(8, 0, 22) ? "STOP REPLICA;\n" : "STOP SLAVE;\n";
}

std::string StartReplication(const ScriptFacts& f) {
  if (IsMariaDB(f)) return "START ALL SLAVES;\n";
  return f.server.AtLeast(8, 0, 22) ? "START REPLICA;\n" : "START SLAVE;\n";
}

// 0, 1 (active statements) or 2 (commented out); --dump-slave wins over --master-data.
int Level(const MysqldumpOptions& o) { return o.dump_slave != 0 ? o.dump_slave : o.master_data; }

// "MASTER_HOST='h', MASTER_PORT=p, " when asked to name the source, else "".
std::string HostPort(const MysqldumpOptions& o, const ScriptFacts& f) {
  if (o.dump_slave == 0 || !o.include_master_host_port || f.source_host.empty()) return "";
  std::string p = SourceWording(f) ? "SOURCE_" : "MASTER_";
  return p + "HOST=" + sql::StringLiteral(f.source_host) + ", " + p + "PORT=" + f.source_port +
         ", ";
}

// MySQL: whether GTID_PURGED is written, and whether binary logging is turned off around the load
// (only when the statement is active: a commented one changes nothing).
bool WritesGtidPurged(const MysqldumpOptions& o, const ScriptFacts& f) {
  return !IsMariaDB(f) && !f.gtid_position.empty() && o.set_gtid_purged != "OFF";
}
bool TurnsLogBinOff(const MysqldumpOptions& o, const ScriptFacts& f) {
  return WritesGtidPurged(o, f) && o.set_gtid_purged != "COMMENTED";
}

std::string GtidPurged(const MysqldumpOptions& o, const ScriptFacts& f) {
  // gtid_executed separates the sets of several servers with ",\n"; the set parser needs no
  // whitespace, and a commented statement must stay on one line.
  std::string gtids = f.gtid_position;
  gtids.erase(std::remove_if(gtids.begin(), gtids.end(), [](char c) { return c == '\n'; }),
              gtids.end());
  std::string s = CommentBlock(o, "GTID state at the beginning of the backup", true);
  if (o.set_gtid_purged == "COMMENTED") s += "-- ";
  return s + "SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ " + sql::StringLiteral(gtids) + ";\n";
}

// MariaDB: the GTID position set at the end of the dump (this server's, or its source's with
// --dump-slave), or "" for none.
std::string DeferredGtid(const MysqldumpOptions& o, const ScriptFacts& f) {
  if (Level(o) == 0 || !IsMariaDB(f)) return "";
  return o.dump_slave != 0 ? f.source_gtid : f.gtid_position;
}

std::string Coordinates(const MysqldumpOptions& o, const ScriptFacts& f) {
  bool slave = o.dump_slave != 0;
  std::string c = Level(o) == 2 ? "-- " : "";
  std::string s = CommentBlock(o,
                               slave ? "Position to start replication or point-in-time "
                                       "recovery from (the master of this slave)"
                                     : "Position to start replication or point-in-time "
                                       "recovery from",
                               true);
  if (IsMariaDB(f) && o.gtid) {
    if (o.comments && !DeferredGtid(o, f).empty()) {
      s += "-- The GTID position is set at the end of this file.\n";
    }
    s += c + "CHANGE MASTER TO " + HostPort(o, f) + "MASTER_USE_GTID=slave_pos;\n";
    c = "-- ";  // the file and position stay only as information
  }
  const std::string& file = slave ? f.source_log_file : f.binlog_file;
  const std::string& pos = slave ? f.source_log_position : f.binlog_position;
  if (!file.empty()) {
    std::string p = SourceWording(f) ? "SOURCE_" : "MASTER_";
    s += c + ChangeSourceTo(f) + HostPort(o, f) + p + "LOG_FILE=" + sql::StringLiteral(file) +
         ", " + p + "LOG_POS=" + pos + ";\n";
  }
  return s;
}

}  // namespace

std::string ReplicationHead(const MysqldumpOptions& o, const ScriptFacts& f) {
  std::string s;
  if (TurnsLogBinOff(o, f)) {
    s += "SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;\n"
         "SET @@SESSION.SQL_LOG_BIN= 0;\n";
  }
  if (WritesGtidPurged(o, f)) s += GtidPurged(o, f);
  if (Level(o) == 0) return s;
  if (o.dump_slave != 0 && o.apply_slave_statements) {
    s += CommentBlock(o, "Stop replication before its position is changed", true);
    s += StopReplication(f);
  }
  return s + Coordinates(o, f);
}

std::string ReplicationTail(const MysqldumpOptions& o, const ScriptFacts& f) {
  std::string s;
  std::string gtid = DeferredGtid(o, f);
  if (!gtid.empty()) {
    s += CommentBlock(o,
                      "GTID position to start replication from (set last: the dump may "
                      "restore mysql.gtid_slave_pos)",
                      true);
    if (!o.gtid || Level(o) != 1) s += "-- ";
    s += "SET GLOBAL gtid_slave_pos=" + sql::StringLiteral(gtid) + ";\n";
  }
  if (o.dump_slave != 0 && o.apply_slave_statements) {
    s += CommentBlock(o, "Restart replication", true);
    s += StartReplication(f);
  }
  if (TurnsLogBinOff(o, f)) s += "SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;\n";
  return s;
}

}  // namespace myvault::mysqldump::script
