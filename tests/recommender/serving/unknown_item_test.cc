#include "recommender/serving/unknown_item.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Items: SKU, name ("" = nameless).
std::shared_ptr<const ServingSnapshot> Snapshot(
    const std::vector<std::pair<std::string, std::string>>& items) {
  v1::ModelManifest manifest;
  manifest.set_version(1);
  for (const auto& [sku, name] : items) {
    v1::CatalogItem* item = manifest.add_catalog();
    item->set_sku(sku);
    item->set_name(name);
  }
  return std::move(ServingSnapshot::Build(std::move(manifest), {}, nullptr, nullptr)).value();
}

std::vector<std::string> Skus(const ServingSnapshot& s, const std::vector<int32_t>& items) {
  std::vector<std::string> skus;
  for (int32_t item : items) skus.push_back(s.sku(item));
  return skus;
}

TEST(UnknownItemTest, NearestComparesTrimmedTextSoTrailingSpacesDoNotHide) {
  const auto s = Snapshot({{"soda", ""},
                           {"whole milk ", ""},
                           {"butter milk", ""},
                           {"beef", ""},
                           {"frozen dessert ", ""}});
  // "whole milk" is "whole milk " once trimmed: no edit at all.
  EXPECT_THAT(Skus(*s, NearestItems(*s, "whole milk", 2)),
              ElementsAre("whole milk ", "butter milk"));
  EXPECT_THAT(Skus(*s, NearestItems(*s, "  Wole Milk", 1)), ElementsAre("whole milk "));
  // Items holding the asked text come first (6 and 7 edits away), then fewer edits, then SKU
  // order ("beef" and "soda" are both 4 edits from "milk").
  EXPECT_THAT(Skus(*s, NearestItems(*s, "milk", 3)),
              ElementsAre("whole milk ", "butter milk", "beef"));
  EXPECT_THAT(NearestItems(*s, "milk", 0), ElementsAre());
  EXPECT_EQ(NearestItems(*s, "x", 10).size(), 5u);
}

TEST(UnknownItemTest, NamesAreComparedTooAndShownBesideTheSku) {
  const auto s = Snapshot({{"85123A", "WHITE HANGING HEART T-LIGHT HOLDER"},
                           {"71053", "WHITE METAL LANTERN"},
                           {"22423", "REGENCY CAKESTAND 3 TIER"}});
  EXPECT_THAT(Skus(*s, NearestItems(*s, "white lantern", 1)), ElementsAre("71053"));
  EXPECT_THAT(Skus(*s, NearestItems(*s, "85123", 1)), ElementsAre("85123A"));

  const absl::Status error = UnknownItemError(*s, "skus[1]", "regency cakestand");
  EXPECT_EQ(error.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(error.message(),
              HasSubstr("skus[1]: 'regency cakestand' is not known; nearest known items: "
                        "'22423' (REGENCY CAKESTAND 3 TIER), "));
}

TEST(UnknownItemTest, ErrorQuotesNamesEndingInASpace) {
  const auto s = Snapshot({{"whole milk ", ""}, {"soda", ""}});
  const absl::Status error = UnknownItemError(*s, "sku", "whole milk");
  EXPECT_EQ(error.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(error.message(),
            "sku: 'whole milk' is not known; nearest known items: 'whole milk ', 'soda'");
  const auto empty = Snapshot({});
  EXPECT_EQ(UnknownItemError(*empty, "sku", "x").message(), "sku: 'x' is not known");
}

}  // namespace
}  // namespace clientele::recommender
