// The step's `other` span (run_records.hpp: time outside every op) is stored and read back like
// any span, counts in the per-kind aggregates as kind "other", and stays out of the per-layer ones
// (it belongs to no layer).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "store/run_store.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

BOOST_AUTO_TEST_SUITE(store_other_span)

BOOST_AUTO_TEST_CASE(round_trip_and_aggregates) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  const int64_t run = s.create_run(sample_run());
  SpanRecord other = span(0, kStepLayer, kOtherOp, kOtherOp, 777);
  other.flops = other.bytes = 0;
  {
    store::RunWriter w = s.writer(run);
    w.add(span(0, -1, "embedding", "embedding", 10));
    w.add(span(0, 0, "q_proj", "matmul", 100));
    w.add(other);
    w.finish(RunStatus::Complete);
  }
  const std::vector<SpanRecord> back = s.load_spans(run);
  BOOST_REQUIRE(back.size() == 3u);
  BOOST_TEST(is_other(back[2]));
  BOOST_TEST(back[2].duration_ns == 777);
  BOOST_TEST(back[2].kind == "other");

  for (const store::LayerTime& l : s.layer_times(run)) BOOST_TEST(l.layer != kStepLayer);
  BOOST_TEST(s.layer_times(run).size() == 2u);
  bool found = false;
  for (const store::KindTime& k : s.kind_times(run))
    if (k.kind == "other") found = k.total_ns == 777 && k.spans == 1;
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
