#include "ingest/import/internal/fast_json_parser.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace clientele::ingest::import_internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 32;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The text and a position in it; every Parse* returns false on anything it does not handle.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  // Consumes `c` (after white space) if it comes next.
  bool Eat(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // A JSON string into `out` (replaced).
  bool String(std::string* out) {
    SkipSpace();
    if (Peek() != '"') return false;
    ++pos_;
    out->clear();
    while (true) {
      size_t run = pos_;
      while (run < text_.size() && text_[run] != '"' && text_[run] != '\\') {
        if (static_cast<unsigned char>(text_[run]) < 0x20) return false;  // Raw control char.
        ++run;
      }
      if (run >= text_.size()) return false;
      out->append(text_.data() + pos_, run - pos_);
      pos_ = run + 1;
      if (text_[run] == '"') return true;
      if (!Escape(out)) return false;
    }
  }

  // A number token: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; `integral` tells whether it
  // had neither fraction nor exponent.
  bool Number(std::string_view* token, bool* integral) {
    SkipSpace();
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (!IsDigit(Peek())) return false;
    if (Peek() == '0') {
      ++pos_;
    } else {
      while (IsDigit(Peek())) ++pos_;
    }
    *integral = true;
    if (Peek() == '.') {
      ++pos_;
      if (!IsDigit(Peek())) return false;
      while (IsDigit(Peek())) ++pos_;
      *integral = false;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!IsDigit(Peek())) return false;
      while (IsDigit(Peek())) ++pos_;
      *integral = false;
    }
    *token = text_.substr(start, pos_ - start);
    return true;
  }

  bool Literal(std::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

 private:
  // After a backslash.
  bool Escape(std::string* out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    if (pos_ + 4 > text_.size()) return false;
    uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') {
        cp |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        cp |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        cp |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return false;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // Surrogates: the generic parser's job.
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// -?[0-9]+ within the range of the field's type, as protobuf's JSON parser reads an integer
// field given as a number or a string.
bool ParseIntegral(std::string_view token, FieldDescriptor::CppType type, int64_t* s, uint64_t* u) {
  if (token.empty()) return false;
  const absl::string_view t(token.data(), token.size());
  switch (type) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(t, &v)) return false;
      *s = v;
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::SimpleAtoi(t, s);
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (token[0] == '-' || !absl::SimpleAtoi(t, &v)) return false;
      *u = v;
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT64:
      return token[0] != '-' && absl::SimpleAtoi(t, u);
    default:
      return false;
  }
}

bool PlainInteger(std::string_view s) {
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  if (i >= s.size()) return false;
  if (s[i] == '0' && s.size() > i + 1) return false;  // No leading zeros.
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return true;
}

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" -> seconds and nanos since the epoch.
bool ParseTimestamp(std::string_view s, int64_t* seconds, int32_t* nanos) {
  if (s.size() < 20 || s.back() != 'Z') return false;
  auto num = [&](size_t at, size_t len, int* out) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (!IsDigit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (!num(0, 4, &y) || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d) ||
      s[10] != 'T' || !num(11, 2, &h) || s[13] != ':' || !num(14, 2, &mi) || s[16] != ':' ||
      !num(17, 2, &sec)) {
    return false;
  }
  int32_t frac = 0;
  if (s.size() > 20) {
    if (s[19] != '.') return false;
    const size_t digits = s.size() - 21;
    if (digits < 1 || digits > 9) return false;
    int f;
    if (!num(20, digits, &f)) return false;
    frac = f;
    for (size_t i = digits; i < 9; ++i) frac *= 10;
  } else if (s.size() != 20) {
    return false;
  }
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return false;
  const absl::CivilSecond cs(y, mo, d, h, mi, sec);
  if (cs.year() != y || cs.month() != mo || cs.day() != d) return false;  // 2011-02-30.
  *seconds = absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone()));
  *nanos = frac;
  return true;
}

class Walker {
 public:
  Walker(std::string_view text,
         const std::function<const absl::flat_hash_map<std::string, const FieldDescriptor*>&(
             const Descriptor*)>& table_of)
      : cursor_(text), table_of_(table_of) {}

  bool Top(Message* message) {
    if (!Object(message, 0)) return false;
    cursor_.SkipSpace();
    return cursor_.AtEnd();
  }

 private:
  bool Object(Message* message, int depth) {
    if (depth > kMaxDepth || !cursor_.Eat('{')) return false;
    const Descriptor* descriptor = message->GetDescriptor();
    if (descriptor->file()->name().rfind("google/protobuf/", 0) == 0) return false;
    const auto& table = table_of_(descriptor);
    const Reflection* reflection = message->GetReflection();
    std::vector<int> seen;
    if (cursor_.Eat('}')) return true;
    std::string name;
    do {
      if (!cursor_.String(&name) || !cursor_.Eat(':')) return false;
      auto it = table.find(name);
      if (it == table.end()) return false;
      const FieldDescriptor* field = it->second;
      for (int n : seen) {
        if (n == field->number()) return false;
      }
      seen.push_back(field->number());
      if (field->is_map()) {
        if (!Map(message, field, depth)) return false;
      } else if (field->is_repeated()) {
        if (!Repeated(message, field, depth)) return false;
      } else {
        const google::protobuf::OneofDescriptor* oneof = field->real_containing_oneof();
        if (oneof != nullptr && reflection->HasOneof(*message, oneof)) return false;
        if (!Value(message, field, /*add=*/false, depth)) return false;
      }
    } while (cursor_.Eat(','));
    return cursor_.Eat('}');
  }

  bool Repeated(Message* message, const FieldDescriptor* field, int depth) {
    if (!cursor_.Eat('[')) return false;
    if (cursor_.Eat(']')) return true;
    do {
      if (!Value(message, field, /*add=*/true, depth)) return false;
    } while (cursor_.Eat(','));
    return cursor_.Eat(']');
  }

  bool Map(Message* message, const FieldDescriptor* field, int depth) {
    const Descriptor* entry = field->message_type();
    const FieldDescriptor* key_field = entry->map_key();
    const FieldDescriptor* value_field = entry->map_value();
    if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return false;
    if (!cursor_.Eat('{')) return false;
    if (cursor_.Eat('}')) return true;
    const Reflection* reflection = message->GetReflection();
    std::vector<std::string> keys;
    std::string key;
    do {
      if (!cursor_.String(&key) || !cursor_.Eat(':')) return false;
      for (const std::string& k : keys) {
        if (k == key) return false;
      }
      keys.push_back(key);
      Message* item = reflection->AddMessage(message, field);
      item->GetReflection()->SetString(item, key_field, key);
      if (!Value(item, value_field, /*add=*/false, depth + 1)) return false;
    } while (cursor_.Eat(','));
    return cursor_.Eat('}');
  }

  // One value of `field` (set, or added to a repeated field).
  bool Value(Message* message, const FieldDescriptor* field, bool add, int depth) {
    const Reflection* r = message->GetReflection();
    cursor_.SkipSpace();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        if (field->type() == FieldDescriptor::TYPE_BYTES) return false;  // base64
        if (!cursor_.String(&scratch_)) return false;
        if (add) {
          r->AddString(message, field, scratch_);
        } else {
          r->SetString(message, field, scratch_);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        if (!cursor_.String(&scratch_)) return false;
        const google::protobuf::EnumValueDescriptor* v =
            field->enum_type()->FindValueByName(scratch_);
        if (v == nullptr) return false;
        if (add) {
          r->AddEnum(message, field, v);
        } else {
          r->SetEnum(message, field, v);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool v;
        if (cursor_.Literal("true")) {
          v = true;
        } else if (cursor_.Literal("false")) {
          v = false;
        } else {
          return false;
        }
        if (add) {
          r->AddBool(message, field, v);
        } else {
          r->SetBool(message, field, v);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        std::string_view token;
        if (cursor_.Peek() == '"') {
          if (!cursor_.String(&scratch_) || !PlainInteger(scratch_)) return false;
          token = scratch_;
        } else {
          bool integral;
          if (!cursor_.Number(&token, &integral) || !integral) return false;
        }
        int64_t s = 0;
        uint64_t u = 0;
        if (!ParseIntegral(token, field->cpp_type(), &s, &u)) return false;
        SetIntegral(message, field, add, s, u);
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        std::string_view token;
        bool integral;
        if (!cursor_.Number(&token, &integral)) return false;
        double v;
        if (!absl::SimpleAtod(absl::string_view(token.data(), token.size()), &v) ||
            v == std::numeric_limits<double>::infinity() ||
            v == -std::numeric_limits<double>::infinity()) {
          return false;
        }
        if (add) {
          r->AddDouble(message, field, v);
        } else {
          r->SetDouble(message, field, v);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Descriptor* type = field->message_type();
        if (type->full_name() == "google.protobuf.Timestamp") {
          int64_t seconds;
          int32_t nanos;
          if (!cursor_.String(&scratch_) || !ParseTimestamp(scratch_, &seconds, &nanos)) {
            return false;
          }
          Message* ts = add ? r->AddMessage(message, field) : r->MutableMessage(message, field);
          const Reflection* tr = ts->GetReflection();
          tr->SetInt64(ts, type->FindFieldByNumber(1), seconds);
          tr->SetInt32(ts, type->FindFieldByNumber(2), nanos);
          return true;
        }
        Message* child = add ? r->AddMessage(message, field) : r->MutableMessage(message, field);
        return Object(child, depth + 1);
      }
      default:  // float: protobuf checks its range on its own terms.
        return false;
    }
  }

  static void SetIntegral(Message* message, const FieldDescriptor* field, bool add, int64_t s,
                          uint64_t u) {
    const Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        add ? r->AddInt32(message, field, static_cast<int32_t>(s))
            : r->SetInt32(message, field, static_cast<int32_t>(s));
        return;
      case FieldDescriptor::CPPTYPE_INT64:
        add ? r->AddInt64(message, field, s) : r->SetInt64(message, field, s);
        return;
      case FieldDescriptor::CPPTYPE_UINT32:
        add ? r->AddUInt32(message, field, static_cast<uint32_t>(u))
            : r->SetUInt32(message, field, static_cast<uint32_t>(u));
        return;
      default:
        add ? r->AddUInt64(message, field, u) : r->SetUInt64(message, field, u);
        return;
    }
  }

  Cursor cursor_;
  const std::function<const absl::flat_hash_map<std::string, const FieldDescriptor*>&(
      const Descriptor*)>& table_of_;
  std::string scratch_;
};

}  // namespace

const FastJsonParser::FieldTable& FastJsonParser::TableOf(const Descriptor* descriptor) {
  std::unique_ptr<FieldTable>& table = tables_[descriptor];
  if (table == nullptr) {
    table = std::make_unique<FieldTable>();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* f = descriptor->field(i);
      table->emplace(f->json_name(), f);
      table->emplace(f->name(), f);
    }
  }
  return *table;
}

bool FastJsonParser::Parse(std::string_view json, Message* message) {
  const std::function<const FieldTable&(const Descriptor*)> table_of =
      [this](const Descriptor* d) -> const FieldTable& { return TableOf(d); };
  Walker walker(json, table_of);
  return walker.Top(message);
}

}  // namespace clientele::ingest::import_internal
