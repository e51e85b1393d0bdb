// ChunkedVector<T>: an append-only sequence whose elements never move, stored in chunks of
// kChunkSize elements. The resolver keeps its records in one: appending copies nothing
// (a vector's regrowth copied every record), and finding element i reads one entry of a
// small chunk table that stays cached. A std::deque of records that large holds one record
// per block, so each access first missed the cache on its block map (8 MB at a million
// records) before the record itself; scoring candidates does that for every candidate.
//
// The subset of a vector's interface the resolver uses. References stay valid until clear()
// or destruction. Not thread-safe.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_CHUNKED_VECTOR_H_
#define CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_CHUNKED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace clientele::identity::resolution_internal {

template <typename T, size_t kChunkSize = 1024>
class ChunkedVector {
 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ~ChunkedVector() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // i < size().
  T& operator[](size_t i) { return chunks_[i / kChunkSize][i % kChunkSize]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunkSize][i % kChunkSize]; }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == chunks_.size() * kChunkSize) {
      chunks_.push_back(std::allocator<T>().allocate(kChunkSize));
    }
    T* slot = chunks_[size_ / kChunkSize] + size_ % kChunkSize;
    ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }

  // Destroys every element and frees the chunks.
  void clear() {
    for (size_t i = 0; i < size_; ++i) (*this)[i].~T();
    for (T* chunk : chunks_) std::allocator<T>().deallocate(chunk, kChunkSize);
    chunks_.clear();
    size_ = 0;
  }

 private:
  std::vector<T*> chunks_;  // Owned; each holds kChunkSize slots, the first size_ constructed.
  size_t size_ = 0;
};

}  // namespace clientele::identity::resolution_internal

#endif  // CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_CHUNKED_VECTOR_H_
