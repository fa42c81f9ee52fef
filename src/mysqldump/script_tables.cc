// A table's part of a mysqldump-format script: its structure (or a sequence's) and the text around
// its rows.
#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump::script {
namespace {

std::string SequenceStructure(const dump::Table& t, const MysqldumpOptions& o) {
  std::string name = QuotedName(o, t.name);
  std::string s = CommentBlock(o, "Sequence structure for " + name, true);
  if (o.add_drop_table) s += "DROP SEQUENCE IF EXISTS " + name + ";\n";
  s += t.create_sql + ";\n";
  // The value the next NEXTVAL would have returned; 0: that value has not been used yet.
  if (!t.sequence_next.empty()) s += "DO SETVAL(" + name + ", " + t.sequence_next + ", 0);\n";
  return s;
}

// --skip-create-options: the CREATE TABLE without its table options (ENGINE=, DEFAULT CHARSET=,
// COMMENT=, ...), as mysqldump reads it under sql_mode NO_TABLE_OPTIONS: SHOW CREATE TABLE puts
// them after the ")" that starts the column list's last line, up to the end of that line (a
// partitioning clause follows on lines of its own and stays).
std::string WithoutTableOptions(const std::string& create_sql) {
  const size_t close = create_sql.rfind("\n)");
  if (close == std::string::npos) return create_sql;
  const size_t options = close + 2;
  const size_t line_end = create_sql.find('\n', options);
  return create_sql.substr(0, options) +
         (line_end == std::string::npos ? "" : create_sql.substr(line_end));
}

}  // namespace

std::string TableStructure(const dump::Table& t, const MysqldumpOptions& o, const ScriptFacts& f) {
  if (t.is_sequence) return SequenceStructure(t, o);
  std::string s = CommentBlock(o, "Table structure for table " + QuotedName(o, t.name), true);
  if (o.add_drop_table) s += "DROP TABLE IF EXISTS " + Name(o, t.name) + ";\n";
  // The catalog read every CREATE text over a utf8mb4 connection: send it back the same way.
  s += "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n";
  s += NamesVersion(f, "utf8mb4") + "SET character_set_client = utf8mb4 */;\n";
  s += (o.create_options ? t.create_sql : WithoutTableOptions(t.create_sql)) + ";\n";
  s += "/*!40101 SET character_set_client = @saved_cs_client */;\n";
  return s;
}

std::string DataPrologue(const dump::Table& t, const MysqldumpOptions& o) {
  std::string name = Name(o, t.name);
  std::string s = CommentBlock(o, "Dumping data for table " + QuotedName(o, t.name), false);
  if (o.comments && !o.where.empty()) s += "-- WHERE:  " + sql::EscapeLikeComment(o.where) + "\n";
  if (!o.compact) s += "\n";
  // The INSERTs give the history rows' ROW START and ROW END (mariadb-dump's line).
  if (t.history) {
    s += "/*M!101100 SET @old_system_versioning_insert_history="
         "@@session.system_versioning_insert_history, "
         "@@session.system_versioning_insert_history=1 */;\n";
  }
  if (o.add_locks) s += "LOCK TABLES " + name + " WRITE;\n";
  if (o.disable_keys) s += "/*!40000 ALTER TABLE " + name + " DISABLE KEYS */;\n";
  return s;
}

std::string DataEpilogue(const dump::Table& t, const MysqldumpOptions& o) {
  std::string s;
  if (o.disable_keys) s += "/*!40000 ALTER TABLE " + Name(o, t.name) + " ENABLE KEYS */;\n";
  if (o.add_locks) s += "UNLOCK TABLES;\n";
  if (t.history) {
    s += "/*M!101100 SET system_versioning_insert_history=@old_system_versioning_insert_history "
         "*/;\n";
  }
  return s;
}

}  // namespace myvault::mysqldump::script
