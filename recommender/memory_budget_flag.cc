#include "recommender/memory_budget_flag.h"

#include <unistd.h>

#include <string>

#include "CLI/CLI.hpp"

namespace clientele::recommender {

int64_t DefaultMemoryBudgetBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return int64_t{4} << 30;
  // Whole MiB, so that help shows it as such.
  return static_cast<int64_t>(pages) * page_size / 2 / (int64_t{1} << 20) * (int64_t{1} << 20);
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
                  "above it fails RESOURCE_EXHAUSTED. Default: half of physical memory")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false).description(""))
      ->check(CLI::Validator(CLI::NonNegativeNumber).description(""))
      ->default_str(default_text)
      ->type_name("SIZE");
}

}  // namespace clientele::recommender
