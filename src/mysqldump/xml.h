// clang-format off
// Private to mysqldump mode: --xml (-X), mariadb-dump's XML document instead of SQL.
//
// The layout is mariadb-dump's (10.11), element for element:
//   <?xml version="1.0"?>
//   <mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
//   <database name="db">
//   	<table_structure name="t">          one per table and view, by name (tables named on the
//   		<field Field=... Type=... />       command line: in that order); the attributes are
//   the 		<key Table=... Key_name=... />     columns of information_schema.COLUMNS (as Field, Type,
//   		<options Name=... Engine=... />    Null, Key, Default, Extra, Comment), SHOW KEYS
//   and
//   	</table_structure>                    SHOW TABLE STATUS, NULL values left out
//   	<table_data name="t">                tables only
//   	<row>
//   		<field name="c">value</field>      the server's text, or uppercase hex with
//   		<field name="n" xsi:nil="true" />  xsi:type="xs:hexBinary" (--hex-blob, binary and
//   BIT)
//   	</row>
//   	</table_data>
//   	<triggers name="t"><trigger ...>CDATA</trigger></triggers>     when the table has some
//   	<events><event ...>CDATA</event></events>                       --events, when there are
//   	<routines><routine ...>CDATA</routine></routines>               --routines
//   </database>
//   </mysqldump>
// Escaping is mariadb-dump's: < > & " become entities, nothing else (an apostrophe or a control
// byte is written as it is, so binary data without --hex-blob may not be well-formed XML there
// either). Trigger, event and routine bodies are CDATA sections, with "]]>" split.
// --no-create-info leaves out table_structure, --no-data table_data. Every query runs on the one
// session given (in the dump's snapshot when there is one).
// clang-format on
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "myvault/dump/catalog.h"
#include "myvault/mysql/session.h"
#include "myvault/mysqldump/options.h"
#include "output.h"

namespace myvault::mysqldump {

// mariadb-dump's print_quoted_xml: < > & " as entities; in an attribute name, a space as '_'.
void AppendXmlEscaped(std::string* out, std::string_view text, bool attribute_name = false);

// One row of a SHOW statement as "\t\t<ELEMENT col="v" ... />\n", NULL columns left out; the
// column named `cdata_column` (if any, and not NULL) becomes the element's CDATA content.
std::string XmlRowElement(std::string_view element, const std::vector<std::string>& columns,
                          const mysql::Row& row, std::string_view cdata_column = "");

struct XmlResult {
  uint64_t rows = 0;
  // --force: tables whose SELECT the server refused (`db`.`t`) with its message.
  std::vector<std::pair<std::string, std::string>> failed;
};

// Writes the whole document for `catalog` (loaded with its definitions) to `out`.
Status WriteXmlDump(mysql::Session& session, const dump::Catalog& catalog,
                    const MysqldumpOptions& options, SqlOutput* out, XmlResult* result);

}  // namespace myvault::mysqldump
