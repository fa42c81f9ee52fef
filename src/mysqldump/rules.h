// mysqldump's rules for the catalog it dumps: which tables come in which order, which are dumped
// without rows, and which are left to --system. Applied once the catalog is read, and again to
// the fresh catalog a recheck under the snapshot reads (a table created or altered meanwhile),
// so that a rule never depends on when the catalog was read.
//
// Pure (no server access); thread-safe.
#pragma once

#include <vector>

#include "myvault/dump/catalog.h"
#include "myvault/mysqldump/mysqldump.h"

namespace myvault::mysqldump {

// Orders and trims `cat` as mariadb-dump would dump it (see rules.cc), appends `system_rows`
// (--system=stats,timezones: their rows come at the end), then applies --ignore-table-data.
void ApplyMysqldumpRules(const MysqldumpOptions& o, const std::vector<dump::Table>& system_rows,
                         dump::Catalog* cat);

}  // namespace myvault::mysqldump
