#include "planwatch/service/open_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "planwatch/service/accounts.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

DatasetInfo Dataset(std::string name, DatasetKind kind, std::string title_vi, std::string modified,
                    std::vector<std::string> keywords) {
  DatasetInfo d;
  d.name = std::move(name);
  d.kind = kind;
  d.subject = "K";
  d.version = 2;
  d.title_vi = std::move(title_vi);
  d.title_en = "Plan K progress";
  d.description_vi = "Tiến độ thực hiện kế hoạch";
  d.description_en = "Progress of the plan";
  d.publisher_code = "D";
  d.publisher_name_vi = "Sở Khoa học và Công nghệ";
  d.publisher_name_en = "Department of Science and Technology";
  d.issued = "2025-06-01T10:00:00Z";
  d.modified = std::move(modified);
  d.published_by = "agency";
  d.keywords = std::move(keywords);
  d.row_count = 3;
  return d;
}

class OpenDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    site_.base_url = "http://127.0.0.1:9000";
    datasets_.push_back(Dataset("indicator-cq-01", DatasetKind::kIndicator,
                                "Tỷ lệ hồ sơ trực tuyến", "2025-07-01T00:00:00Z",
                                {"dịch vụ công", "chỉ tiêu"}));
    datasets_.back().publisher_code = "SO-KHCN";
    datasets_.push_back(Dataset("plan-k", DatasetKind::kPlan, "Tiến độ Kế hoạch Chiềng An",
                                "2025-08-01T09:30:00.25Z", {"kế hoạch", "chuyển đổi số"}));
    datasets_.push_back(Dataset("scorecards-k-2025", DatasetKind::kScorecards, "Xếp hạng đơn vị",
                                "2025-06-15T00:00:00Z", {"xếp hạng"}));
  }

  OpenSite site_;
  std::vector<DatasetInfo> datasets_;
};

TEST_F(OpenDataTest, BaseUrlFollowsAPlausibleHostOnly) {
  EXPECT_EQ(BaseUrlForHost("127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(BaseUrlForHost("[::1]:8057"), "http://[::1]:8057");
  EXPECT_EQ(BaseUrlForHost("data.example.vn"), "http://data.example.vn");
  EXPECT_EQ(BaseUrlForHost(""), "http://localhost:8057");
  EXPECT_EQ(BaseUrlForHost("evil.example/x"), "http://localhost:8057");
  EXPECT_EQ(BaseUrlForHost("a\"><script>"), "http://localhost:8057");
  EXPECT_EQ(BaseUrlForHost(std::string(256, 'a')), "http://localhost:8057");
}

TEST_F(OpenDataTest, NamesAndIdentifiers) {
  EXPECT_EQ(OrganizationName("D"), "d");
  EXPECT_EQ(OrganizationName("SỞ KH&CN"), "s-kh-cn");
  EXPECT_EQ(OrganizationName("--"), "org");
  EXPECT_EQ(StableUuid("package", "plan-k"), "ffe48877-a383-55f2-853e-5707b2241060");
  EXPECT_EQ(StableUuid("organization", "D"), "a46529b1-3b12-563e-b5ca-b58f74883bc3");
  EXPECT_NE(StableUuid("resource", "plan-k"), StableUuid("package", "plan-k"));
  EXPECT_EQ(LandingPage(site_, "plan-k"), "http://127.0.0.1:9000/cong-khai/du-lieu/plan-k");
}

TEST_F(OpenDataTest, CkanTimestampsHaveMicrosecondsAndNoZone) {
  EXPECT_EQ(CkanTimestamp("2025-06-01T10:00:00Z"), "2025-06-01T10:00:00.000000");
  EXPECT_EQ(CkanTimestamp("2025-08-01T09:30:00.25Z"), "2025-08-01T09:30:00.250000");
  EXPECT_EQ(CkanTimestamp("2025-08-01T09:30:00.123456789Z"), "2025-08-01T09:30:00.123456");
  EXPECT_EQ(CkanTimestamp("2025-08-01"), "2025-08-01");
}

TEST_F(OpenDataTest, DcatCatalogDescribesEveryDatasetAndDistribution) {
  json c = DcatCatalog(datasets_, site_);
  EXPECT_EQ(c["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
  EXPECT_EQ(c["@context"]["dct"], "http://purl.org/dc/terms/");
  EXPECT_EQ(c["@context"]["foaf"], "http://xmlns.com/foaf/0.1/");
  EXPECT_EQ(c["@context"]["vcard"], "http://www.w3.org/2006/vcard/ns#");
  EXPECT_EQ(c["@context"]["xsd"], "http://www.w3.org/2001/XMLSchema#");
  EXPECT_EQ(c["@type"], "dcat:Catalog");
  EXPECT_EQ(c["@id"], "http://127.0.0.1:9000/open/catalog.jsonld");
  EXPECT_EQ(c["dct:title"][0], (json{{"@value", site_.title_vi}, {"@language", "vi"}}));
  EXPECT_EQ(c["dct:title"][1], (json{{"@value", site_.title_en}, {"@language", "en"}}));
  // No publisher configured: the datasets' own (the first one's).
  EXPECT_EQ(c["dct:publisher"]["foaf:name"][0]["@value"], "Sở Khoa học và Công nghệ");
  EXPECT_EQ(c["dct:language"][0]["@id"],
            "http://publications.europa.eu/resource/authority/language/VIE");
  EXPECT_EQ(c["foaf:homepage"]["@id"], "http://127.0.0.1:9000/cong-khai");
  EXPECT_EQ(c["dct:modified"],
            (json{{"@value", "2025-08-01T09:30:00.25Z"}, {"@type", "xsd:dateTime"}}));
  ASSERT_EQ(c["dcat:dataset"].size(), 3U);

  const json& d = c["dcat:dataset"][1];
  EXPECT_EQ(d["@type"], "dcat:Dataset");
  EXPECT_EQ(d["dct:identifier"], "plan-k");
  EXPECT_EQ(d["dct:title"][0]["@value"], "Tiến độ Kế hoạch Chiềng An");
  EXPECT_EQ(d["dct:title"][1]["@value"], "Plan K progress");
  EXPECT_EQ(d["dct:description"][1],
            (json{{"@value", "Progress of the plan"}, {"@language", "en"}}));
  EXPECT_EQ(d["dct:publisher"]["@type"], "foaf:Agent");
  EXPECT_EQ(d["dct:publisher"]["foaf:name"][1]["@value"], "Department of Science and Technology");
  EXPECT_EQ(d["dct:issued"], (json{{"@value", "2025-06-01T10:00:00Z"}, {"@type", "xsd:dateTime"}}));
  EXPECT_EQ(d["owl:versionInfo"], "2");
  EXPECT_EQ(d["dcat:keyword"], (json{"kế hoạch", "chuyển đổi số"}));
  EXPECT_EQ(d["dcat:contactPoint"]["@type"], "vcard:Organization");
  EXPECT_EQ(d["dcat:contactPoint"]["vcard:fn"], "Sở Khoa học và Công nghệ");
  EXPECT_EQ(d["dcat:landingPage"]["@id"], "http://127.0.0.1:9000/cong-khai/du-lieu/plan-k");
  ASSERT_EQ(d["dcat:distribution"].size(), 2U);
  const json& csv = d["dcat:distribution"][0];
  EXPECT_EQ(csv["@type"], "dcat:Distribution");
  EXPECT_EQ(csv["dcat:downloadURL"]["@id"], "http://127.0.0.1:9000/open/datasets/plan-k/v2.csv");
  EXPECT_EQ(csv["dcat:accessURL"]["@id"], "http://127.0.0.1:9000/open/datasets/plan-k.csv");
  EXPECT_EQ(csv["dcat:mediaType"]["@id"], "https://www.iana.org/assignments/media-types/text/csv");
  EXPECT_EQ(csv["dct:format"]["@id"],
            "http://publications.europa.eu/resource/authority/file-type/CSV");
  EXPECT_EQ(csv["dct:title"][0]["@value"], "Tiến độ Kế hoạch Chiềng An (CSV)");
  const json& js = d["dcat:distribution"][1];
  EXPECT_EQ(js["dcat:downloadURL"]["@id"], "http://127.0.0.1:9000/open/datasets/plan-k/v2.json");
  EXPECT_EQ(js["dcat:mediaType"]["@id"],
            "https://www.iana.org/assignments/media-types/application/json");
}

TEST_F(OpenDataTest, DcatCatalogOfNothingStillNamesItsPublisher) {
  site_.publisher_vi = "Ban Chỉ đạo";
  site_.publisher_en = "Steering committee";
  json c = DcatCatalog({}, site_);
  EXPECT_EQ(c["dcat:dataset"], json::array());
  EXPECT_EQ(c["dct:publisher"]["foaf:name"][1]["@value"], "Steering committee");
  EXPECT_FALSE(c.contains("dct:modified"));
}

TEST_F(OpenDataTest, CkanPackageHasCkanShape) {
  json p = CkanPackage(datasets_[1], site_);
  EXPECT_EQ(p["id"], "ffe48877-a383-55f2-853e-5707b2241060");
  EXPECT_EQ(p["name"], "plan-k");
  EXPECT_EQ(p["title"], "Tiến độ Kế hoạch Chiềng An");
  EXPECT_EQ(p["notes"], "Tiến độ thực hiện kế hoạch");
  EXPECT_EQ(p["version"], "2");
  EXPECT_EQ(p["metadata_created"], "2025-06-01T10:00:00.000000");
  EXPECT_EQ(p["metadata_modified"], "2025-08-01T09:30:00.250000");
  EXPECT_EQ(p["organization"]["id"], "a46529b1-3b12-563e-b5ca-b58f74883bc3");
  EXPECT_EQ(p["organization"]["name"], "d");
  EXPECT_EQ(p["organization"]["title"], "Sở Khoa học và Công nghệ");
  EXPECT_EQ(p["owner_org"], "a46529b1-3b12-563e-b5ca-b58f74883bc3");
  EXPECT_EQ(p["tags"][1]["name"], "chuyển đổi số");
  EXPECT_EQ(p["num_tags"], 2);
  EXPECT_EQ(p["state"], "active");
  EXPECT_EQ(p["private"], false);
  EXPECT_EQ(p["license_id"], "cc-by");
  EXPECT_EQ(p["url"], "http://127.0.0.1:9000/cong-khai/du-lieu/plan-k");
  ASSERT_EQ(p["resources"].size(), 2U);
  const json& csv = p["resources"][0];
  EXPECT_EQ(csv["id"], "f4a6e638-8dbf-5fa6-9aa3-3e450ead70c7");
  EXPECT_EQ(csv["package_id"], p["id"]);
  EXPECT_EQ(csv["name"], "plan-k.csv");
  EXPECT_EQ(csv["url"], "http://127.0.0.1:9000/open/datasets/plan-k.csv");
  EXPECT_EQ(csv["format"], "CSV");
  EXPECT_EQ(csv["mimetype"], "text/csv");
  EXPECT_EQ(csv["last_modified"], "2025-08-01T09:30:00.250000");
  EXPECT_THAT(csv["description"].get<std::string>(), HasSubstr("3 dòng"));
  EXPECT_EQ(p["resources"][1]["format"], "JSON");
  EXPECT_EQ(p["resources"][1]["mimetype"], "application/json");
  EXPECT_EQ(p["resources"][1]["url"], "http://127.0.0.1:9000/open/datasets/plan-k.json");
  // Extras ordered by key; English lives there.
  std::vector<std::string> keys;
  for (const json& e : p["extras"]) keys.push_back(e["key"]);
  EXPECT_THAT(keys, ElementsAre("description_en", "kind", "publisher_name_en", "row_count",
                                "subject", "title_en"));
  EXPECT_EQ(p["extras"][1]["value"], "plan");
  EXPECT_EQ(p["extras"][3]["value"], "3");
  EXPECT_EQ(p["extras"][5]["value"], "Plan K progress");
}

TEST_F(OpenDataTest, OrganizationListIsSortedByNameWithCounts) {
  EXPECT_EQ(CkanOrganizationList(datasets_, false), (json{"d", "so-khcn"}));
  json all = CkanOrganizationList(datasets_, true);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0]["name"], "d");
  EXPECT_EQ(all[0]["package_count"], 2);
  EXPECT_EQ(all[0]["is_organization"], true);
  EXPECT_EQ(all[1]["name"], "so-khcn");
  EXPECT_EQ(all[1]["package_count"], 1);
}

TEST_F(OpenDataTest, FindPackageByNameOrId) {
  EXPECT_EQ(FindPackage(datasets_, "plan-k"), &datasets_[1]);
  EXPECT_EQ(FindPackage(datasets_, "ffe48877-a383-55f2-853e-5707b2241060"), &datasets_[1]);
  EXPECT_EQ(FindPackage(datasets_, "plan-x"), nullptr);
}

TEST_F(OpenDataTest, SearchDefaults) {
  auto q = ParseCkanSearch({});
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->rows, 10);
  EXPECT_EQ(q->start, 0);
  EXPECT_EQ(q->sort, CkanSort::kModifiedDesc);
  json r = CkanSearch(datasets_, *q, site_);
  EXPECT_EQ(r["count"], 3);
  EXPECT_EQ(r["sort"], "metadata_modified desc");
  ASSERT_EQ(r["results"].size(), 3U);
  EXPECT_EQ(r["results"][0]["name"], "plan-k");
  EXPECT_EQ(r["results"][1]["name"], "indicator-cq-01");
  EXPECT_EQ(r["results"][2]["name"], "scorecards-k-2025");
}

std::vector<std::string> Names(const json& result) {
  std::vector<std::string> out;
  for (const json& p : result["results"]) out.push_back(p["name"]);
  return out;
}

TEST_F(OpenDataTest, SearchWordsFoldDiacriticsAndCase) {
  auto q = ParseCkanSearch({{"q", "CHIENG an"}});
  ASSERT_TRUE(q.has_value());
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("plan-k"));
  q = ParseCkanSearch({{"q", "dich vu cong"}});  // a keyword
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("indicator-cq-01"));
  q = ParseCkanSearch({{"q", "scorecards"}});  // the name
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("scorecards-k-2025"));
  q = ParseCkanSearch({{"q", "chieng khong-co"}});
  EXPECT_EQ(CkanSearch(datasets_, *q, site_)["count"], 0);
  q = ParseCkanSearch({{"q", "*:*"}});
  EXPECT_EQ(CkanSearch(datasets_, *q, site_)["count"], 3);
}

TEST_F(OpenDataTest, SearchFiltersAndSortsAndPages) {
  auto q = ParseCkanSearch({{"fq", "organization:so-khcn"}});
  ASSERT_TRUE(q.has_value());
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("indicator-cq-01"));
  q = ParseCkanSearch({{"fq", "+tags:\"Chuyen doi so\" res_format:CSV"}});
  ASSERT_TRUE(q.has_value());
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("plan-k"));
  q = ParseCkanSearch({{"fq", "res_format:xml"}});
  EXPECT_EQ(CkanSearch(datasets_, *q, site_)["count"], 0);
  q = ParseCkanSearch({{"fq", "res_format:json"}, {"sort", "name asc"}});
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)),
              ElementsAre("indicator-cq-01", "plan-k", "scorecards-k-2025"));
  q = ParseCkanSearch(
      {{"fq", "metadata_modified:[2025-06-20T00:00:00Z TO *]"}, {"sort", "metadata_modified asc"}});
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_THAT(Names(CkanSearch(datasets_, *q, site_)), ElementsAre("indicator-cq-01", "plan-k"));
  q = ParseCkanSearch({{"sort", "name desc"}, {"rows", "1"}, {"start", "1"}});
  json r = CkanSearch(datasets_, *q, site_);
  EXPECT_EQ(r["count"], 3);
  EXPECT_THAT(Names(r), ElementsAre("plan-k"));
  q = ParseCkanSearch({{"rows", "0"}});
  r = CkanSearch(datasets_, *q, site_);
  EXPECT_EQ(r["count"], 3);
  EXPECT_EQ(r["results"], json::array());
  q = ParseCkanSearch({{"start", "5"}});
  EXPECT_EQ(CkanSearch(datasets_, *q, site_)["results"], json::array());
}

// The error names the parameter and echoes what was given.
void ExpectBad(const QueryParams& params, std::string_view field, std::string_view echoed) {
  auto q = ParseCkanSearch(params);
  ASSERT_FALSE(q.has_value()) << field;
  EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(q.error().details.size(), 1U);
  EXPECT_EQ(q.error().details[0].field, field);
  EXPECT_THAT(q.error().message, HasSubstr(echoed));
}

TEST_F(OpenDataTest, BadSearchParametersAreRefusedByName) {
  ExpectBad({{"rows", "1001"}}, "rows", "1001");
  ExpectBad({{"rows", "-1"}}, "rows", "-1");
  ExpectBad({{"rows", "ten"}}, "rows", "ten");
  ExpectBad({{"rows", ""}}, "rows", "rows");
  ExpectBad({{"start", "-3"}}, "start", "-3");
  ExpectBad({{"start", "1.5"}}, "start", "1.5");
  ExpectBad({{"sort", "title asc"}}, "sort", "title asc");
  ExpectBad({{"facet", "true"}}, "facet", "facet");
  ExpectBad({{"fq", "owner:x"}}, "fq", "owner");
  ExpectBad({{"fq", "organization"}}, "fq", "organization");
  ExpectBad({{"fq", "tags:\"open"}}, "fq", "tags");
  ExpectBad({{"fq", "metadata_modified:[yesterday TO *]"}}, "fq", "yesterday");
  ExpectBad({{"fq", "metadata_modified:2025"}}, "fq", "range");
}

}  // namespace
}  // namespace planwatch
