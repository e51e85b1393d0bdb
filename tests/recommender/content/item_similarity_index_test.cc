#include "recommender/content/item_similarity_index.h"

#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using Mode = SimilarityIndexOptions::Mode;

std::vector<int32_t> Items(const std::vector<SimilarItem>& s) {
  std::vector<int32_t> items;
  for (const SimilarItem& x : s) items.push_back(x.item);
  return items;
}

SimilarityIndexOptions WithMode(Mode mode) {
  SimilarityIndexOptions options;
  options.mode = mode;
  return options;
}

// Clustered random unit-ish vectors: `clusters` centres plus noise.
std::vector<float> Clustered(uint32_t seed, int32_t n, int32_t dim, int32_t clusters) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> centres(static_cast<size_t>(clusters * dim));
  for (float& x : centres) x = g(rng);
  std::vector<float> v(static_cast<size_t>(n) * dim);
  for (int32_t i = 0; i < n; ++i) {
    const int32_t c = static_cast<int32_t>(rng() % static_cast<uint32_t>(clusters));
    for (int32_t j = 0; j < dim; ++j) {
      v[static_cast<size_t>(i) * dim + j] =
          centres[static_cast<size_t>(c * dim + j)] + 0.6f * g(rng);
    }
  }
  return v;
}

TEST(ItemSimilarityIndexTest, CallerVectorsHandChecked) {
  // 0 = (1, 0), 1 = (1, 1), 2 = (0, 1), 3 = (-1, 0), 4 = zero vector.
  const std::vector<float> v = {1, 0, 1, 1, 0, 1, -1, 0, 0, 0};
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index = ItemSimilarityIndex::Build(v, 2, {});
  ASSERT_THAT(index, IsOk());
  EXPECT_FALSE((*index)->uses_hnsw());  // 5 items: exact
  absl::StatusOr<std::vector<SimilarItem>> s = (*index)->SimilarItems(0, 10);
  ASSERT_THAT(s, IsOk());
  // cos(0,1) = 0.7071; cos(0,2) = 0 and cos(0,3) = -1 are not similarity; 4 has no vector.
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].item, 1);
  EXPECT_THAT((*s)[0].score, FloatNear(0.707107f, 1e-6f));
  EXPECT_EQ((*s)[0].similar_to, 0);
  s = (*index)->SimilarItems(1, 10);
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Items(*s), ElementsAre(0, 2));  // tie at 0.7071: lower index first
  EXPECT_FALSE((*index)->has_vector(4));
  s = (*index)->SimilarItems(4, 3);
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(SimilarToReason("rolls/buns"), "similar to rolls/buns");
}

TEST(ItemSimilarityIndexTest, FilterAndBadRequests) {
  const std::vector<float> v = {1, 0, 1, 1, 0, 1, 2, 0.1f};
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index = ItemSimilarityIndex::Build(v, 2, {});
  ASSERT_THAT(index, IsOk());
  absl::StatusOr<std::vector<SimilarItem>> s =
      (*index)->SimilarItems(0, 10, [](int32_t item) { return item != 3; });
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Items(*s), ElementsAre(1));
  EXPECT_THAT((*index)->SimilarItems(4, 1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("item 4")));
  EXPECT_THAT((*index)->SimilarItems(-1, 1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("item")));
  EXPECT_THAT((*index)->SimilarItems(0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  EXPECT_THAT(ItemSimilarityIndex::Build(v, 3, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("multiple of dimension")));
  EXPECT_THAT(ItemSimilarityIndex::Build(v, 0, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dimension")));
  EXPECT_THAT(ItemSimilarityIndex::Build(std::vector<float>{1, 0, NAN, 1}, 2, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item 1")));
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> empty =
      ItemSimilarityIndex::Build({}, 8, {});
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ((*empty)->num_items(), 0);
  EXPECT_TRUE((*empty)->SimilarToVector(std::vector<float>(8, 1.0f), 3).empty());
}

TEST(ItemSimilarityIndexTest, TextIndexFindsItemsSharingRareWords) {
  const std::vector<std::string> texts = {
      ItemText("WHITE HANGING HEART T-LIGHT HOLDER", ""),
      ItemText("RED HANGING HEART T-LIGHT HOLDER", ""),
      ItemText("WHITE METAL LANTERN", ""),
      ItemText("Çay Bardağı", "ince belli çay bardağı, 6'lı"),
      ItemText("CAY BARDAGI", "tulip glass"),
      ItemText("", ""),
  };
  for (Mode mode : {Mode::kExact, Mode::kHnsw}) {
    absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index =
        ItemSimilarityIndex::BuildFromText(texts, {}, WithMode(mode));
    ASSERT_THAT(index, IsOk());
    EXPECT_EQ((*index)->uses_hnsw(), mode == Mode::kHnsw);
    absl::StatusOr<std::vector<SimilarItem>> s = (*index)->SimilarItems(0, 2);
    ASSERT_THAT(s, IsOk());
    EXPECT_THAT(Items(*s), ElementsAre(1, 2));
    s = (*index)->SimilarItems(4, 5);  // Turkish folding: "Çay Bardağı" meets "CAY BARDAGI"
    ASSERT_THAT(s, IsOk());
    EXPECT_THAT(Items(*s), ElementsAre(3));
    s = (*index)->SimilarItems(5, 5);  // no words: no neighbours
    ASSERT_THAT(s, IsOk());
    EXPECT_TRUE(s->empty());
    absl::StatusOr<std::vector<SimilarItem>> by_text = (*index)->SimilarToText("red lantern", 3);
    ASSERT_THAT(by_text, IsOk());
    ASSERT_EQ(by_text->size(), 2u);
    EXPECT_EQ((*by_text)[0].similar_to, -1);
    EXPECT_THAT(Items(*by_text), ::testing::UnorderedElementsAre(1, 2));
  }
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> dense =
      ItemSimilarityIndex::Build(std::vector<float>{1, 0}, 2, {});
  ASSERT_THAT(dense, IsOk());
  EXPECT_THAT((*dense)->SimilarToText("x", 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not built from text")));
}

TEST(ItemSimilarityIndexTest, AutoModeUsesHnswForLargeVectorCatalogsOnly) {
  SimilarityIndexOptions options;  // kAuto
  options.brute_force_max_items = 3;
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> vectors =
      ItemSimilarityIndex::Build(Clustered(1, 4, 4, 2), 4, options);
  ASSERT_THAT(vectors, IsOk());
  EXPECT_TRUE((*vectors)->uses_hnsw());  // 4 items > 3
  options.brute_force_max_items = 4;
  vectors = ItemSimilarityIndex::Build(Clustered(1, 4, 4, 2), 4, options);
  ASSERT_THAT(vectors, IsOk());
  EXPECT_FALSE((*vectors)->uses_hnsw());
  options.brute_force_max_items = 1;  // text stays exact (postings) under kAuto
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> text =
      ItemSimilarityIndex::BuildFromText({"a b", "b c", "c d"}, {}, options);
  ASSERT_THAT(text, IsOk());
  EXPECT_FALSE((*text)->uses_hnsw());
}

TEST(ItemSimilarityIndexTest, HnswRecallAtTenAgainstBruteForceIsHigh) {
  const int32_t n = 3000, dim = 32;
  const std::vector<float> v = Clustered(42, n, dim, 40);
  for (int32_t threads : {1, 2}) {
    SimilarityIndexOptions options = WithMode(Mode::kHnsw);
    options.build_threads = threads;
    absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index =
        ItemSimilarityIndex::Build(v, dim, options);
    ASSERT_THAT(index, IsOk());
    ASSERT_TRUE((*index)->uses_hnsw());
    int hits = 0, total = 0;
    for (int32_t q = 0; q < n; q += 15) {
      absl::Span<const float> query(v.data() + static_cast<size_t>(q) * dim, dim);
      const std::vector<SimilarItem> approx = (*index)->SimilarToVector(query, 10);
      const std::vector<SimilarItem> exact = (*index)->ExactSimilarToVector(query, 10);
      ASSERT_EQ(exact.size(), 10u);
      for (const SimilarItem& e : exact) {
        for (const SimilarItem& a : approx) hits += a.item == e.item;
      }
      total += 10;
    }
    const double recall = static_cast<double>(hits) / total;
    EXPECT_GE(recall, 0.95) << "HNSW recall@10 " << recall << " with " << threads << " threads";
  }
}

TEST(ItemSimilarityIndexTest, HnswWithSelectiveFilterStillReturnsTheExactAnswer) {
  const int32_t n = 2000, dim = 16;
  const std::vector<float> v = Clustered(7, n, dim, 10);
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index =
      ItemSimilarityIndex::Build(v, dim, WithMode(Mode::kHnsw));
  ASSERT_THAT(index, IsOk());
  auto only_multiples_of_97 = [](int32_t item) { return item % 97 == 0; };
  for (int32_t q : {0, 5, 1234}) {
    absl::StatusOr<std::vector<SimilarItem>> s = (*index)->SimilarItems(q, 5, only_multiples_of_97);
    ASSERT_THAT(s, IsOk());
    for (const SimilarItem& x : *s) EXPECT_EQ(x.item % 97, 0);
    absl::Span<const float> query(v.data() + static_cast<size_t>(q) * dim, dim);
    std::vector<SimilarItem> exact = (*index)->ExactSimilarToVector(
        query, 5, [&](int32_t item) { return item != q && only_multiples_of_97(item); });
    EXPECT_EQ(Items(*s), Items(exact)) << "query " << q;
  }
}

TEST(ItemSimilarityIndexTest, SimilarToItemsWeighsHistoryAndNamesTheSource) {
  // 0 = (1, 0), 1 = (0, 1), 2 = (1, 0.2), 3 = (0.2, 1), 4 = (1, 0.1).
  const std::vector<float> v = {1, 0, 0, 1, 1, 0.2f, 0.2f, 1, 1, 0.1f};
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index = ItemSimilarityIndex::Build(v, 2, {});
  ASSERT_THAT(index, IsOk());
  const std::vector<std::pair<int32_t, float>> history = {{0, 1.0f}, {1, 0.5f}};
  std::vector<SimilarItem> s = (*index)->SimilarToItems(history, 3, /*exclude=*/{4});
  // 2 via 0 (cos 0.98), 3 via 1 (0.5 * 0.98). History items and 4 never come back.
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].item, 2);
  EXPECT_EQ(s[0].similar_to, 0);
  EXPECT_EQ(s[1].item, 3);
  EXPECT_EQ(s[1].similar_to, 1);
  EXPECT_THAT(s[1].score, FloatNear(0.5f * 0.980581f, 1e-5f));

  // Only the kMaxHistory heaviest history items are searched. Items 0..32 are the unit
  // vectors e0..e32; item 33 = 0.1 e0 + e32. History: 0..31 with weight 1, 32 with weight 0.5
  // (the 33rd, dropped): item 33 then comes via item 0 (0.0995), not via 32 (0.5 * 0.995).
  const int32_t d = 33;
  std::vector<float> unit((d + 1) * d, 0.0f);
  for (int32_t i = 0; i < d; ++i) unit[static_cast<size_t>(i * d + i)] = 1;
  unit[static_cast<size_t>(d * d + 0)] = 0.1f;
  unit[static_cast<size_t>(d * d + 32)] = 1;
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> basis =
      ItemSimilarityIndex::Build(unit, d, {});
  ASSERT_THAT(basis, IsOk());
  std::vector<std::pair<int32_t, float>> long_history;
  for (int32_t i = 0; i < 32; ++i) long_history.push_back({i, 1.0f});
  long_history.push_back({32, 0.5f});
  ASSERT_GT(static_cast<int32_t>(long_history.size()), ItemSimilarityIndex::kMaxHistory);
  s = (*basis)->SimilarToItems(long_history, 1);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].item, 33);
  EXPECT_EQ(s[0].similar_to, 0);
}

TEST(ItemSimilarityIndexTest, SerializeRoundTripsBothKindsAndRejectsDamage) {
  const std::vector<float> v = Clustered(9, 400, 8, 5);
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> dense =
      ItemSimilarityIndex::Build(v, 8, WithMode(Mode::kHnsw));
  ASSERT_THAT(dense, IsOk());
  const std::vector<std::string> texts = {"red heart", "white heart", "red lantern", "tea glass"};
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> text =
      ItemSimilarityIndex::BuildFromText(texts, {}, {});
  ASSERT_THAT(text, IsOk());
  for (const ItemSimilarityIndex* original : {dense->get(), text->get()}) {
    const std::string bytes = original->Serialize();
    absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> back =
        ItemSimilarityIndex::Deserialize(bytes);
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ((*back)->uses_hnsw(), original->uses_hnsw());
    EXPECT_EQ((*back)->Serialize(), bytes);
    for (int32_t item = 0; item < original->num_items(); item += 37) {
      absl::StatusOr<std::vector<SimilarItem>> a = original->SimilarItems(item, 5);
      absl::StatusOr<std::vector<SimilarItem>> b = (*back)->SimilarItems(item, 5);
      ASSERT_THAT(a, IsOk());
      ASSERT_THAT(b, IsOk());
      EXPECT_EQ(Items(*a), Items(*b)) << "item " << item;
    }
    for (size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 300) {
      EXPECT_FALSE(ItemSimilarityIndex::Deserialize(bytes.substr(0, cut)).ok()) << cut;
    }
  }
}

TEST(ItemSimilarityIndexTest, ConcurrentReadersSeeTheSequentialAnswers) {
  const int32_t n = 1500, dim = 16;
  const std::vector<float> v = Clustered(3, n, dim, 20);
  // Text items: 3 words each from a 60-word vocabulary (exact search over postings).
  std::vector<std::string> texts;
  std::mt19937 rng(5);
  for (int32_t i = 0; i < n; ++i) {
    texts.push_back(absl::StrCat("w", rng() % 60, " w", rng() % 60, " w", rng() % 60));
  }
  std::vector<std::unique_ptr<ItemSimilarityIndex>> indexes;
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> built =
      ItemSimilarityIndex::Build(v, dim, WithMode(Mode::kHnsw));
  ASSERT_THAT(built, IsOk());
  indexes.push_back(*std::move(built));
  built = ItemSimilarityIndex::BuildFromText(texts, {}, WithMode(Mode::kExact));
  ASSERT_THAT(built, IsOk());
  indexes.push_back(*std::move(built));
  for (const auto& owned : indexes) {
    const ItemSimilarityIndex* raw = owned.get();
    const ItemSimilarityIndex* const* index = &raw;  // (*index)-> as with StatusOr above
    std::vector<std::vector<int32_t>> expected(static_cast<size_t>(n));
    for (int32_t item = 0; item < n; ++item) {
      expected[static_cast<size_t>(item)] = Items(*(*index)->SimilarItems(item, 10));
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int32_t item = t; item < n; item += 2) {
          if (Items(*(*index)->SimilarItems(item, 10)) != expected[static_cast<size_t>(item)]) {
            ++mismatches[static_cast<size_t>(t)];
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
  }
}

}  // namespace
}  // namespace clientele::recommender
