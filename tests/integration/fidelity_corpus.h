// The fidelity corpus: one small database per way a whole-server backup used to come back
// different from the server it was taken of (issue 14), each built so that the difference shows
// in the fingerprint (fingerprint.h: SHOW CREATE of every object with its creation context, and
// every row, history rows included) or makes the restore fail.
//
//   mv_fid_order    views that call stored functions whose bodies read views (view -> function ->
//                   view -> function -> view), a view over views, a view calling a function of
//                   another database (mv_fid_zlib, which sorts after it), a trigger and a
//                   procedure calling functions. Views sort before the functions they call.
//   mv_fid_zlib     the function that mv_fid_order's view calls.
//   mv_fid_merge    a MERGE table over two non-empty MyISAM tables, a BLACKHOLE table.
//   mv_fid_context  created latin1, then made utf8mb4_unicode_ci: a procedure (non-ASCII body),
//                   a view and a trigger created under SET NAMES koi8r; a function, a trigger and
//                   an event created while the database was latin1; a procedure created under
//                   collation_connection utf8mb4_bin.
//   mv_fid_history  system-versioned tables with history made at fixed times (SET timestamp):
//                   implicit row_start/row_end with an integer key, explicit invisible
//                   ROW START/END with a composite (int, varchar) key, a string key, no key, and
//                   PARTITION BY SYSTEM_TIME. Enough rows to cross chunk and page boundaries.
//   mv_fid_trx      a table versioned by transaction id (its history cannot be loaded back).
//   mv_fid_package  an Oracle-mode PACKAGE and PACKAGE BODY (sql_mode ORACLE, "quoted" names).
//   mv_fid_broken   a view whose base table was dropped, a view over that view, and a valid
//                   table and view beside them.
//
// The BLOB case needs a server with a small max_allowed_packet: LoadLargeValues fills
// mv_fid_blob on the server it is given (one with max_allowed_packet = kLargeValuesPacket).
//
// Thread safety: the functions use the given connection; one caller at a time.
#pragma once

#include <string>
#include <vector>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

inline constexpr char kOrderDb[] = "mv_fid_order";
inline constexpr char kOrderLibDb[] = "mv_fid_zlib";
inline constexpr char kMergeDb[] = "mv_fid_merge";
inline constexpr char kContextDb[] = "mv_fid_context";
inline constexpr char kHistoryDb[] = "mv_fid_history";
inline constexpr char kTrxHistoryDb[] = "mv_fid_trx";
inline constexpr char kPackageDb[] = "mv_fid_package";
inline constexpr char kBrokenDb[] = "mv_fid_broken";
inline constexpr char kBlobDb[] = "mv_fid_blob";

// The time (UTC, SET timestamp) mv_fid_history's rows as they were before any update: a dump
// --as-of it must give exactly those rows.
inline constexpr char kHistoryFirstTime[] = "2020-01-01 00:00:00";
inline constexpr char kHistorySecondTime[] = "2021-06-01 12:00:00";  // the updates
inline constexpr char kHistoryThirdTime[] = "2022-03-15 08:30:00";   // the deletes

// The databases above (not mv_fid_blob), in the order they are created.
const std::vector<std::string>& FidelityDatabases();

// Drops and creates `db` (one of FidelityDatabases()) on `server`. mv_fid_order brings
// mv_fid_zlib along (and the reverse).
Status LoadFidelityDatabase(TestServer& server, const std::string& db);

// Drops every database above and mv_fid_blob from `server`: mv_fid_broken's invalid views would
// otherwise stop any later whole-server dump of that server (MysqldumpRoundTrip, say).
Status DropFidelityDatabases(TestServer& server);

// The max_allowed_packet of the server LoadLargeValues is meant for (1 MiB), and what it loads:
// mv_fid_blob.big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT CHARACTER SET latin1): row 1 a
// BLOB of kLargeBlobBytes (every byte value, so every escape), row 2 a latin1 text of
// kLargeTextBytes (é and quotes). Each is more than half of the packet and less than all of it.
inline constexpr long long kLargeValuesPacket = 1 << 20;
inline constexpr long long kLargeBlobBytes = 256 * 2800;  // 716,800
inline constexpr long long kLargeTextBytes = 600000;
Status LoadLargeValues(TestServer& server);

}  // namespace myvault::it
