// Tokenizer throughput (not part of ctest): encodes one text file as a single string, one thread,
// and prints MB/s (decimal megabytes of UTF-8 input per second) with the token count and the sum
// of the ids, so a run can be checked against HF tokenizers on the same text
// (tools/tokenizers/bench_hf.js prints the same three numbers):
//   bench_tokenizer TOKENIZER_JSON TEXT_FILE [--repeat 5] [--add-special] [--lines]
// --lines encodes every line (with its newline) as its own text instead, as a batch of short
// inputs is encoded (bench_hf.js --lines uses encodeBatch).
// The file's truncation and padding settings are not applied (HF's side disables them too), and
// the first (cold-cache) pass is reported apart from the best of the timed passes. Besides wall
// time it reports MB per second of process CPU time, which a busy machine disturbs far less.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.hpp"

using Clock = std::chrono::steady_clock;

static double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: bench_tokenizer TOKENIZER_JSON TEXT_FILE [--repeat N] [--add-special]\n");
    return 2;
  }
  int repeat = 5;
  bool add_special = false;
  bool lines = false;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--add-special") == 0) add_special = true;
    if (std::strcmp(argv[i], "--lines") == 0) lines = true;
  }
  try {
    std::ifstream in(argv[2], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<std::string> inputs;
    if (lines) {
      for (size_t b = 0; b < text.size();) {
        const size_t nl = text.find('\n', b);
        const size_t e = nl == std::string::npos ? text.size() : nl + 1;
        inputs.push_back(text.substr(b, e - b));
        b = e;
      }
    } else {
      inputs.push_back(text);
    }
    const auto l0 = Clock::now();
    const archscope::tok::Tokenizer t = archscope::tok::Tokenizer::from_file(argv[1]);
    const double load_s = std::chrono::duration<double>(Clock::now() - l0).count();
    archscope::tok::EncodeOptions o;
    o.add_special = add_special;
    o.truncate_and_pad = false;
    double best = 1e30, first = 0, best_cpu = 1e30;
    size_t count = 0;
    unsigned long long sum = 0;
    for (int r = 0; r <= repeat; ++r) {
      const auto t0 = Clock::now();
      const double c0 = cpu_seconds();
      size_t n = 0;
      unsigned long long run_sum = 0;
      for (const std::string& input : inputs) {
        const auto e = t.encode(input, o);
        n += e.ids.size();
        if (r == 0)
          for (uint32_t id : e.ids) run_sum += id;
      }
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      const double cpu = cpu_seconds() - c0;
      if (r > 0) best_cpu = std::min(best_cpu, cpu);
      if (r == 0) {
        first = s;
        count = n;
        sum = run_sum;
      } else if (s < best) {
        best = s;
      }
    }
    const double mb = static_cast<double>(text.size()) / 1e6;
    std::printf(
        "archscope%s: %zu bytes, %zu tokens, id sum %llu, load %.3f s, cold %.2f MB/s, best of %d "
        "%.2f MB/s, per CPU second %.2f MB/s\n",
        lines ? " (lines)" : "", text.size(), count, sum, load_s, mb / first, repeat, mb / best,
        mb / best_cpu);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
    return 1;
  }
  return 0;
}
