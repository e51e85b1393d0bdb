#include "recommender/memory_budget_flag.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace clientele::recommender {

namespace {

// The limit in the first readable of the cgroup memory files; 0 for none.
int64_t ReadCgroupMemoryLimit() {
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    if (!in) continue;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return CgroupMemoryLimit(text);
  }
  return 0;
}

}  // namespace

int64_t CgroupMemoryLimit(absl::string_view text) {
  int64_t limit = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &limit) || limit <= 0) return 0;
  return limit;
}

int64_t DefaultMemoryBudgetBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  int64_t memory = pages > 0 && page_size > 0 ? static_cast<int64_t>(pages) * page_size : 0;
  const int64_t cgroup = ReadCgroupMemoryLimit();  // v1 writes a huge value for "no limit".
  if (cgroup > 0 && (memory == 0 || cgroup < memory)) memory = cgroup;
  if (memory <= 0) return int64_t{4} << 30;
  // Whole MiB, so that help shows it as such.
  return memory / 2 / (int64_t{1} << 20) * (int64_t{1} << 20);
}

CLI::Option* AddMemoryBudgetFlag(CLI::App& app, int64_t* bytes) {
  const int64_t default_bytes = *bytes;
  const std::string default_text = default_bytes % (int64_t{1} << 20) == 0
                                       ? std::to_string(default_bytes >> 20) + "M"
                                       : std::to_string(default_bytes);
  return app
      .add_option("--recommender_memory_budget", *bytes,
                  "memory one recommender model's fit may use (train and evaluate jobs): bytes "
                  "or with a binary suffix K, M, G, T (4G, 512M); 0: no budget. A fit estimated "
                  "above it fails RESOURCE_EXHAUSTED. Default: half of physical memory or of the "
                  "cgroup (container) limit when lower")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false).description(""))
      ->check(CLI::Validator(CLI::NonNegativeNumber).description(""))
      ->default_str(default_text)
      ->type_name("SIZE");
}

}  // namespace clientele::recommender
