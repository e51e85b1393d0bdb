#include "ingest/subscribe_batch.h"

#include <utility>

namespace clientele::ingest {
namespace {

// Tags of clientele.ingest.v1.SubscribeResponse (ingest.proto).
constexpr char kEntriesTag = (1 << 3) | 2;
constexpr char kThroughSequenceTag = (2 << 3) | 0;
constexpr char kPartitionTag = (3 << 3) | 0;
constexpr char kLastSequenceTag = (4 << 3) | 0;

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

bool SubscribeBatch::TryAdd(uint64_t sequence, std::string_view log_entry) {
  if (full_) return false;
  // The bound counts entry bytes, as LogEntry::ByteSizeLong would.
  if (entries_ > 0 && entry_bytes_ + log_entry.size() > max_entry_bytes_) {
    full_ = true;
    return false;
  }
  wire_.push_back(kEntriesTag);
  AppendVarint(log_entry.size(), &wire_);
  wire_.append(log_entry);
  entry_bytes_ += log_entry.size();
  ++entries_;
  last_sequence_ = sequence;
  return true;
}

std::string SubscribeBatch::Finish(uint64_t through_sequence, uint32_t partition,
                                   uint64_t last_sequence) {
  if (through_sequence != 0) {
    wire_.push_back(kThroughSequenceTag);
    AppendVarint(through_sequence, &wire_);
  }
  if (partition != 0) {
    wire_.push_back(kPartitionTag);
    AppendVarint(partition, &wire_);
  }
  if (last_sequence != 0) {
    wire_.push_back(kLastSequenceTag);
    AppendVarint(last_sequence, &wire_);
  }
  std::string out = std::move(wire_);
  wire_.clear();
  entry_bytes_ = 0;
  entries_ = 0;
  full_ = false;
  last_sequence_ = 0;
  return out;
}

}  // namespace clientele::ingest
