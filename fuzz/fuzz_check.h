// FUZZ_CHECK(cond): the property check of fuzz targets. Unlike assert it is on in Release and
// in the regression builds; a failure prints the condition and aborts, which libFuzzer reports
// as a crash and saves the input.
#ifndef CLIENTELE_FUZZ_FUZZ_CHECK_H_
#define CLIENTELE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#endif  // CLIENTELE_FUZZ_FUZZ_CHECK_H_
