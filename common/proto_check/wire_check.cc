#include "common/proto_check/wire_check.h"

#include <climits>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "google/protobuf/descriptor.pb.h"

namespace clientele::proto_check {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// protobuf's default recursion limit (io::CodedInputStream::default_recursion_limit_).
constexpr int kMaxDepth = 100;
constexpr size_t kMaxKeyBytesInPath = 64;

enum WireType : int {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The wire type protobuf expects for a (non-packed) value of `field`.
int ExpectedWireType(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
      return kFixed64;
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
      return kFixed32;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE:
      return kLengthDelimited;
    case FieldDescriptor::TYPE_GROUP:
      return kStartGroup;
    default:
      return kVarint;
  }
}

bool RequiresUtf8(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_STRING &&
         field.file()->syntax() == FileDescriptor::SYNTAX_PROTO3;
}

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool AtEnd() const { return p_ == end_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

  // False with `problem` set for a truncated or over-long varint.
  bool Varint(uint64_t* value, std::string* problem) {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      if (p_ == end_) {
        *problem = "truncated varint";
        return false;
      }
      const auto byte = static_cast<unsigned char>(*p_++);
      v |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
      if ((byte & 0x80) == 0) {
        *value = v;
        return true;
      }
    }
    *problem = "malformed varint (more than 10 bytes)";
    return false;
  }

  bool Skip(size_t n, std::string_view what, std::string* problem) {
    if (n > left()) {
      *problem = absl::StrCat("truncated (", Absl(what), " of ", n, " bytes, ", left(), " left)");
      return false;
    }
    p_ += n;
    return true;
  }

  std::string_view Take(size_t n) {
    std::string_view out(p_, n);
    p_ += n;
    return out;
  }

 private:
  const char* p_;
  const char* const end_;
};

// "key" of a map entry, in quotes, when its key field comes first and is readable.
std::optional<std::string> MapKey(const Descriptor& entry, std::string_view bytes) {
  const FieldDescriptor* key_field = entry.FindFieldByNumber(1);
  if (key_field == nullptr) return std::nullopt;
  Cursor c(bytes);
  std::string problem;
  uint64_t tag = 0;
  if (!c.Varint(&tag, &problem) || (tag >> 3) != 1) return std::nullopt;
  if ((tag & 7) == kLengthDelimited && key_field->type() == FieldDescriptor::TYPE_STRING) {
    uint64_t length = 0;
    if (!c.Varint(&length, &problem) || length > c.left()) return std::nullopt;
    const std::string_view key = c.Take(static_cast<size_t>(length));
    if (!text::IsValidUtf8(key)) return std::nullopt;
    const std::string_view head = key.substr(0, kMaxKeyBytesInPath);
    return absl::StrCat("\"", absl::CHexEscape(Absl(head)), head.size() < key.size() ? "..." : "",
                        "\"");
  }
  if ((tag & 7) == kVarint && ExpectedWireType(*key_field) == kVarint &&
      key_field->type() != FieldDescriptor::TYPE_SINT32 &&
      key_field->type() != FieldDescriptor::TYPE_SINT64) {
    uint64_t value = 0;
    if (!c.Varint(&value, &problem)) return std::nullopt;
    if (key_field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
        key_field->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      return absl::StrCat(static_cast<int64_t>(value));
    }
    return absl::StrCat(value);
  }
  return std::nullopt;
}

class Walker {
 public:
  // Walks one message (or group) of type `descriptor` (nullptr: unknown, all its fields are
  // unknown) whose fields are read from `c`. A group (`group_number` > 0) ends at its
  // end-group tag, a message at the end of `c`. Returns the first problem.
  std::optional<WireProblem> Walk(const Descriptor* descriptor, Cursor& c, const std::string& path,
                                  int depth, uint32_t group_number) {
    std::map<uint32_t, size_t> occurrences;
    while (!c.AtEnd()) {
      std::string problem;
      uint64_t tag = 0;
      if (!c.Varint(&tag, &problem)) return Problem(path, absl::StrCat(problem, " in a tag"));
      if (tag > UINT32_MAX) return Problem(path, "malformed tag (above 2^32)");
      const auto number = static_cast<uint32_t>(tag >> 3);
      const int wire_type = static_cast<int>(tag & 7);
      if (number == 0) return Problem(path, "invalid tag (field number 0)");
      const FieldDescriptor* field =
          descriptor == nullptr ? nullptr : descriptor->FindFieldByNumber(static_cast<int>(number));
      // A map value is named by its entry: attributes["tier"].string_value.
      const bool map_value = field != nullptr && number == 2 && descriptor->options().map_entry();
      std::string field_path = map_value
                                   ? path
                                   : Join(path, field == nullptr ? absl::StrCat("#", number)
                                                                 : std::string(field->name()));
      if (field != nullptr && field->is_repeated()) {
        absl::StrAppend(&field_path, "[", occurrences[number]++, "]");
      }
      if (wire_type == kEndGroup) {
        if (number == group_number) return std::nullopt;
        return Problem(field_path, "end-group tag without a matching start-group tag");
      }
      const bool expected = field != nullptr && ExpectedWireType(*field) == wire_type;
      switch (wire_type) {
        case kVarint: {
          uint64_t value = 0;
          if (!c.Varint(&value, &problem)) return Problem(field_path, problem);
          break;
        }
        case kFixed64:
          if (!c.Skip(8, "a fixed64 value", &problem)) return Problem(field_path, problem);
          break;
        case kFixed32:
          if (!c.Skip(4, "a fixed32 value", &problem)) return Problem(field_path, problem);
          break;
        case kLengthDelimited: {
          uint64_t length = 0;
          if (!c.Varint(&length, &problem)) {
            return Problem(field_path, absl::StrCat(problem, " in a length"));
          }
          if (length > INT32_MAX || length > c.left()) {
            return Problem(field_path, absl::StrCat("truncated (a length of ", length, " bytes, ",
                                                    c.left(), " left)"));
          }
          const std::string_view value = c.Take(static_cast<size_t>(length));
          if (field == nullptr) break;
          if (expected && field->type() == FieldDescriptor::TYPE_MESSAGE) {
            if (depth + 1 > kMaxDepth) {
              return Problem(field_path, absl::StrCat("nested more than ", kMaxDepth, " deep"));
            }
            if (field->is_map()) {
              if (std::optional<std::string> key = MapKey(*field->message_type(), value)) {
                field_path = Join(path, absl::StrCat(field->name(), "[", *key, "]"));
              }
            }
            Cursor inner(value);
            if (auto p = Walk(field->message_type(), inner, field_path, depth + 1, 0)) return p;
          } else if (expected && RequiresUtf8(*field)) {
            if (!text::IsValidUtf8(value)) return Problem(field_path, "invalid UTF-8");
          } else if (!expected && field->is_packable()) {
            if (auto p = CheckPacked(*field, value, field_path)) return p;
          }
          break;
        }
        case kStartGroup: {
          if (depth + 1 > kMaxDepth) {
            return Problem(field_path, absl::StrCat("nested more than ", kMaxDepth, " deep"));
          }
          const Descriptor* group = expected ? field->message_type() : nullptr;
          if (auto p = Walk(group, c, field_path, depth + 1, number)) return p;
          break;
        }
        default:
          return Problem(field_path, absl::StrCat("invalid wire type ", wire_type));
      }
    }
    if (group_number != 0) return Problem(path, "group not closed (no end-group tag)");
    return std::nullopt;
  }

 private:
  static std::string Join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : absl::StrCat(path, ".", Absl(name));
  }
  static WireProblem Problem(std::string path, std::string problem) {
    return WireProblem{std::move(path), std::move(problem)};
  }

  // Packed values of a repeated scalar field.
  static std::optional<WireProblem> CheckPacked(const FieldDescriptor& field,
                                                std::string_view bytes, const std::string& path) {
    const int wire_type = ExpectedWireType(field);
    const size_t width = wire_type == kFixed64 ? 8 : wire_type == kFixed32 ? 4 : 0;
    if (width != 0) {
      if (bytes.size() % width != 0) {
        return Problem(path, absl::StrCat("malformed packed values (", bytes.size(),
                                          " bytes, not a multiple of ", width, ")"));
      }
      return std::nullopt;
    }
    Cursor c(bytes);
    while (!c.AtEnd()) {
      uint64_t value = 0;
      std::string problem;
      if (!c.Varint(&value, &problem)) {
        return Problem(path, absl::StrCat("malformed packed values (", problem, ")"));
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::string WireProblem::ToString() const {
  return path.empty() ? problem : absl::StrCat(path, ": ", problem);
}

std::optional<WireProblem> FindWireProblem(const Descriptor& descriptor, std::string_view bytes) {
  Cursor c(bytes);
  Walker walker;
  return walker.Walk(&descriptor, c, "", 0, 0);
}

absl::Status ParseOrExplain(std::string_view bytes, google::protobuf::Message* message) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a message of ", bytes.size(), " bytes is larger than protobuf's 2 GiB"));
  }
  if (message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  const Descriptor& descriptor = *message->GetDescriptor();
  if (std::optional<WireProblem> problem = FindWireProblem(descriptor, bytes)) {
    return absl::InvalidArgumentError(problem->ToString());
  }
  return absl::InvalidArgumentError(absl::StrCat("does not parse as ", descriptor.full_name()));
}

}  // namespace clientele::proto_check
