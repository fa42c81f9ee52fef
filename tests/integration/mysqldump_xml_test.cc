// mysqldump mode's --xml (-X) against the stock mariadb-dump (issue 14 point 11): both tools dump
// the same database on the same server and their documents are compared. Each case first
// compares them parsed (pugixml), element by element: names, attributes, text and CDATA, in
// order, so that a difference is reported at its path; then byte for byte, since mariadb-dump's
// document has no date or host in it and myvault writes the same layout (same indentation,
// same escaping: < > & " only, NULL as xsi:nil="true", binary data raw or, with --hex-blob, as
// uppercase hex with xsi:type="xs:hexBinary").
#include <pugixml.hpp>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_xml";

class MysqldumpXml : public MysqldumpTest {
 protected:
  void Prepare() override {
    const std::string db = kDb;
    ASSERT_OK(source_->Exec(
        "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; USE " + db +
        "; CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(40), n INT, f FLOAT, d DECIMAL(6,2), "
        "dt DATETIME, KEY ks (s), UNIQUE KEY un (n)) COMMENT 'a <c> & \"q\"'"
        "; INSERT INTO t VALUES (1, 'a&b<c>d\"e''f', NULL, 0.1, 2.25, '2020-01-02 03:04:05'), "
        "(2, NULL, 3, NULL, NULL, NULL), (3, 'tab\\there\\nline ]]> é€', 4, 1.5, -1, NULL)"
        "; CREATE TABLE b (id INT PRIMARY KEY, bin VARBINARY(8), bl BLOB, bt BIT(3), "
        "g INT AS (id + 1) VIRTUAL) ENGINE=MyISAM"
        "; INSERT INTO b (id, bin, bl, bt) VALUES (1, 0xFF0A41, 0x01020304, b'101'), "
        "(2, '', NULL, NULL)"
        "; CREATE TABLE e (id INT DEFAULT 7 COMMENT 'x&y')"
        "; CREATE VIEW v AS SELECT id, s FROM t"
        "; CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1"
        "; CREATE PROCEDURE p() SELECT 1 > 2, '<&>'"
        "; CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1"
        "; CREATE EVENT ev ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01' DO SELECT 1"));
    // Table statistics settle before either tool reads SHOW TABLE STATUS.
    ASSERT_OK(source_->Exec("ANALYZE TABLE " + db + ".t, " + db + ".b, " + db + ".e"));
  }

  // "/mysqldump/database[1]/table_data[2]/row[1]/field[3]" for messages.
  static std::string PathOf(const pugi::xml_node& n) {
    if (!n.parent() || n.parent().type() == pugi::node_document) return "/" + std::string(n.name());
    size_t index = 1;
    for (pugi::xml_node s = n.previous_sibling(n.name()); s; s = s.previous_sibling(n.name())) {
      ++index;
    }
    return PathOf(n.parent()) + "/" + n.name() + "[" + std::to_string(index) + "]";
  }

  // Compares two elements and their subtrees; every difference is a test failure naming its path.
  static void ExpectSameTree(const pugi::xml_node& stock, const pugi::xml_node& ours) {
    const std::string path = PathOf(stock);
    ASSERT_EQ(std::string(ours.name()), std::string(stock.name())) << path;
    ASSERT_EQ(ours.type(), stock.type()) << path;
    if (stock.type() == pugi::node_pcdata || stock.type() == pugi::node_cdata) {
      EXPECT_EQ(std::string(ours.value()), std::string(stock.value())) << path;
      return;
    }
    std::vector<std::pair<std::string, std::string>> a, b;
    for (const pugi::xml_attribute& x : stock.attributes()) a.emplace_back(x.name(), x.value());
    for (const pugi::xml_attribute& x : ours.attributes()) b.emplace_back(x.name(), x.value());
    EXPECT_EQ(b, a) << "attributes of " << path;
    pugi::xml_node s = stock.first_child(), o = ours.first_child();
    for (; s && o; s = s.next_sibling(), o = o.next_sibling()) ExpectSameTree(s, o);
    EXPECT_FALSE(s) << path << ": myvault lacks " << PathOf(s);
    EXPECT_FALSE(o) << path << ": myvault has more: " << PathOf(o);
  }

  // Both documents for `args` (with --xml), compared parsed and then byte for byte; returns ours.
  std::string ExpectSameDocument(std::vector<std::string> args) {
    args.insert(args.begin(), "--xml");
    std::string shown;
    for (const auto& a : args) shown += " " + a;
    auto stock = MariadbDump(args);
    auto ours = Mysqldump(args);
    EXPECT_TRUE(stock.ok() && ours.ok());
    if (!stock.ok() || !ours.ok()) return "";
    EXPECT_EQ(stock->exit_code, 0) << shown << ": " << stock->Describe();
    EXPECT_EQ(ours->exit_code, 0) << shown << ": " << ours->Describe();
    pugi::xml_document stock_doc, ours_doc;
    const unsigned flags = pugi::parse_default | pugi::parse_declaration;
    const pugi::xml_parse_result ps =
        stock_doc.load_buffer(stock->out.data(), stock->out.size(), flags, pugi::encoding_utf8);
    const pugi::xml_parse_result po =
        ours_doc.load_buffer(ours->out.data(), ours->out.size(), flags, pugi::encoding_utf8);
    EXPECT_TRUE(ps) << shown << ": mariadb-dump's document: " << ps.description();
    EXPECT_TRUE(po) << shown << ": myvault's document: " << po.description() << " at " << po.offset
                    << "\n"
                    << ours->out;
    if (ps && po) {
      SCOPED_TRACE(shown);
      ExpectSameTree(stock_doc.document_element(), ours_doc.document_element());
    }
    EXPECT_EQ(ours->out, stock->out) << shown;
    return ours->out;
  }
};

TEST_F(MysqldumpXml, StructureDataTriggersAsMariadbDump) {
  const std::string doc = ExpectSameDocument({kDb});
  // What a script reads, spelled out once (the comparison above covers the rest).
  pugi::xml_document d;
  ASSERT_TRUE(d.load_buffer(doc.data(), doc.size()));
  const pugi::xml_node db = d.child("mysqldump").child("database");
  EXPECT_STREQ(db.attribute("name").value(), kDb);
  const pugi::xml_node row1 = db.find_child_by_attribute("table_data", "name", "t").child("row");
  EXPECT_STREQ(row1.find_child_by_attribute("field", "name", "s").text().get(), "a&b<c>d\"e'f");
  EXPECT_STREQ(row1.find_child_by_attribute("field", "name", "n").attribute("xsi:nil").value(),
               "true");
  EXPECT_TRUE(db.find_child_by_attribute("table_structure", "name", "v"))
      << "views have a structure";
  EXPECT_FALSE(db.find_child_by_attribute("table_data", "name", "v")) << "and no data";
  EXPECT_TRUE(db.find_child_by_attribute("triggers", "name", "t"));
}

TEST_F(MysqldumpXml, NoCreateInfoIsDataOnlyAndNoDataIsStructureOnly) {
  const std::string data = ExpectSameDocument({"--no-create-info", kDb});
  EXPECT_EQ(data.find("<table_structure"), std::string::npos);
  EXPECT_NE(data.find("<table_data name=\"t\">"), std::string::npos);
  const std::string structure = ExpectSameDocument({"--no-data", "--skip-triggers", kDb});
  EXPECT_EQ(structure.find("<table_data"), std::string::npos);
  EXPECT_NE(structure.find("<table_structure name=\"t\">"), std::string::npos);
}

TEST_F(MysqldumpXml, HexBlobRoutinesEventsAndNamedTables) {
  const std::string doc = ExpectSameDocument({"--hex-blob", "--routines", "--events", kDb});
  EXPECT_NE(doc.find("<field name=\"bl\" xsi:type=\"xs:hexBinary\">01020304</field>"),
            std::string::npos)
      << doc;
  EXPECT_NE(doc.find("<routine Function=\"f\""), std::string::npos) << doc;
  ExpectSameDocument({kDb, "t", "e"});
  ExpectSameDocument({"--where=id > 1", "--databases", kDb});
}

TEST_F(MysqldumpXml, ForceGoesOnPastATableTheWhereCannotSelect) {
  const std::vector<std::string> args = {"--xml", "--force", "--where=s IS NOT NULL", kDb};
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
  EXPECT_EQ(stock.exit_code, 2) << stock.Describe();
  EXPECT_EQ(ours.exit_code, stock.exit_code) << ours.Describe();
  // b and e have no column s: their structure, no table_data element; t's rows; the whole
  // document still closed, and the same bytes as mariadb-dump's.
  EXPECT_EQ(ours.out.find("<table_data name=\"b\">"), std::string::npos) << ours.out;
  EXPECT_NE(ours.out.find("<field name=\"s\">a&amp;b"), std::string::npos) << ours.out;
  EXPECT_NE(ours.out.find("</mysqldump>"), std::string::npos) << ours.out;
  EXPECT_EQ(ours.out, stock.out);
  EXPECT_NE(ours.err.find("`mv_md_xml`.`e`"), std::string::npos) << ours.err;
}

}  // namespace
}  // namespace myvault::it
