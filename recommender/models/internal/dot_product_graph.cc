#include "recommender/models/internal/dot_product_graph.h"

// hnswlib 0.6.2 defines non-inline functions in its headers (cpuid, the SIMD distances), so a
// second translation unit including it (recommender/content/item_similarity_index.cc) would
// define them twice in any binary linking both. Here it is included inside a namespace of its
// own, after every header it includes, so that its definitions get distinct names.
#include <assert.h>
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <deque>
#include <exception>
#include <fstream>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace clt_als_hnsw {
#include <hnswlib/hnswlib.h>  // NOLINT(build/include_order): see above.
}  // namespace clt_als_hnsw

namespace clientele::recommender::internal {
namespace {

namespace hnswlib = ::clt_als_hnsw::hnswlib;

// hnswlib parameters: graph degree, build beam width, level seed.
constexpr size_t kM = 16;
constexpr size_t kEfConstruction = 100;
constexpr size_t kSeed = 100;

}  // namespace

struct DotProductGraph::Impl {
  explicit Impl(int32_t dimension) : space(static_cast<size_t>(dimension)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::vector<float> vectors;
};

DotProductGraph::DotProductGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DotProductGraph::~DotProductGraph() = default;

absl::StatusOr<std::unique_ptr<const DotProductGraph>> DotProductGraph::Build(
    std::vector<float> vectors, int32_t dimension) {
  if (dimension < 1 || vectors.size() % static_cast<size_t>(dimension) != 0) {
    return absl::InvalidArgumentError("dot product graph: vectors are not rows of the dimension");
  }
  const size_t n = vectors.size() / static_cast<size_t>(dimension);
  auto impl = std::make_unique<Impl>(dimension);
  impl->vectors = std::move(vectors);
  try {
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &impl->space, std::max<size_t>(n, 1), kM, kEfConstruction, kSeed);
    for (size_t i = 0; i < n; ++i) {
      impl->graph->addPoint(impl->vectors.data() + i * static_cast<size_t>(dimension),
                            static_cast<hnswlib::labeltype>(i));
    }
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(absl::StrCat("building the HNSW graph: ", e.what()));
  }
  return std::unique_ptr<const DotProductGraph>(new DotProductGraph(std::move(impl)));
}

std::vector<int32_t> DotProductGraph::Search(const float* query, size_t k) const {
  std::vector<int32_t> out;
  try {
    // The search beam is max(ef, k): k here.
    std::priority_queue<std::pair<float, hnswlib::labeltype>> found =
        impl_->graph->searchKnn(query, k);
    out.reserve(found.size());
    for (; !found.empty(); found.pop()) out.push_back(static_cast<int32_t>(found.top().second));
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

}  // namespace clientele::recommender::internal
