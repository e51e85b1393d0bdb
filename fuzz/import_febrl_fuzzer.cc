// Fuzzes the febrl importer (ingest/import): any file is read without crashing and every
// row is accounted for (see fuzz/import_fuzz.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  clientele::fuzz::FuzzImporter(clientele::ingest::ImportFormat::kFebrl, data, size);
  return 0;
}
