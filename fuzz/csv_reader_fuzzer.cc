// Fuzzes common/text/csv_reader: any bytes are split into records without crashing; records
// come in order and view the input or the scratch buffer; reading only the first field
// (Next(record, 1)) finds the same records as reading all of them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/text/csv_reader.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the separator, as the importers use them.
  static constexpr char kSeparators[] = {',', '\t', ';', ' '};
  clientele::text::CsvOptions options;
  options.separator = kSeparators[data[0] % 4];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  clientele::text::CsvReader full(input, options);
  clientele::text::CsvReader first_only(input, options);
  clientele::text::CsvRecord record;
  clientele::text::CsvRecord partial;
  int64_t last_line = 0;
  size_t last_offset = 0;
  while (full.Next(&record)) {
    FUZZ_CHECK(record.line > last_line);
    FUZZ_CHECK(record.fields.size() == record.field_count);
    FUZZ_CHECK(record.field_count >= 1);
    FUZZ_CHECK(record.raw.data() >= input.data() &&
               record.raw.data() + record.raw.size() <= input.data() + input.size());
    FUZZ_CHECK(full.offset() > last_offset && full.offset() <= input.size());
    for (std::string_view field : record.fields) {
      // A field views the input or the scratch buffer; one in the input lies within the record.
      if (full.PointsIntoInput(field) && !field.empty()) {
        FUZZ_CHECK(field.data() >= record.raw.data() &&
                   field.data() + field.size() <= record.raw.data() + record.raw.size());
      }
    }
    last_line = record.line;
    last_offset = full.offset();

    FUZZ_CHECK(first_only.Next(&partial, 1));
    FUZZ_CHECK(partial.line == record.line);
    FUZZ_CHECK(partial.raw == record.raw);
    FUZZ_CHECK(partial.field_count == record.field_count);
    FUZZ_CHECK(!partial.fields.empty() && partial.fields.size() <= partial.field_count);
    FUZZ_CHECK(partial.fields[0] == record.fields[0]);
    FUZZ_CHECK(partial.error == record.error);
  }
  FUZZ_CHECK(!first_only.Next(&partial, 1));
  return 0;
}
