#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "generate/progress.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(terminal_redraws_in_place_at_most_ten_times_a_second) {
  std::ostringstream out;
  ProgressLine p(out, /*terminal=*/true);
  p.update("decode", 1, 10, 0.00);
  p.update("decode", 2, 10, 0.05);  // too soon: skipped
  p.update("decode", 3, 10, 0.20);
  p.finish("decode", 10, 10, 0.50);
  BOOST_TEST(out.str() ==
             "\rdecode: 1/10 tokens, 0.00 s, - tokens/s\x1b[K"
             "\rdecode: 3/10 tokens, 0.20 s, 15.0 tokens/s\x1b[K"
             "\rdecode: 10/10 tokens, 0.50 s, 20.0 tokens/s\x1b[K\n");
}

BOOST_AUTO_TEST_CASE(pipes_get_one_final_line_per_phase_and_quiet_gets_nothing) {
  std::ostringstream out;
  ProgressLine p(out, /*terminal=*/false);
  p.update("prefill", 4, 0, 0.1);
  p.finish("prefill", 8, 0, 0.5);
  BOOST_TEST(out.str() == "prefill: 8 tokens, 0.50 s, 16.0 tokens/s\n");
  std::ostringstream silent;
  ProgressLine q(silent, true, /*quiet=*/true);
  q.update("decode", 1, 2, 1.0);
  q.finish("decode", 2, 2, 1.0);
  BOOST_TEST(silent.str().empty());
}

BOOST_AUTO_TEST_SUITE_END()
