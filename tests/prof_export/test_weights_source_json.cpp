// The weight source in a run's JSON (runs show --json, JSON exports): written and read back
// exactly for every kind, absent in files from before it existed (read as unknown), and a
// mistyped one refused with its JSON path.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstdint>

#include "common/error.hpp"
#include "export/record_json.hpp"
#include "prof_export/sample_run.hpp"

using namespace archscope;
using namespace archscope::prof;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(prof_weights_source_json)

BOOST_AUTO_TEST_CASE(round_trips_through_text) {
  WeightsSource checkpoint{WeightsOrigin::Checkpoint, "/srv/models/smollm3", 0, false, 0, 0};
  WeightsSource seeded{WeightsOrigin::Random, "", UINT64_MAX, false, 0, 0};
  WeightsSource heavy{WeightsOrigin::Random, "", 3, true, 0.1 / 3, 20.0 / 7};
  for (const WeightsSource& w : {checkpoint, seeded, heavy, WeightsSource{}}) {
    RunInfo r = prof_export_test::sample_run().run;
    r.weights_source = w;
    const json text = json::parse(to_json(r).dump());
    const RunInfo back = run_info_from_json(text, "run");
    BOOST_TEST((back.weights_source == w),
               describe(w) << " read back as " << describe(back.weights_source));
  }
  BOOST_TEST(to_json(checkpoint) ==
             json::parse(R"({"origin":"checkpoint","checkpoint":"/srv/models/smollm3"})"));
  BOOST_TEST(to_json(seeded).at("seed").get<uint64_t>() == UINT64_MAX);
  BOOST_TEST(to_json(WeightsSource{}) == json::parse(R"({"origin":"unknown"})"));
}

BOOST_AUTO_TEST_CASE(absent_reads_as_unknown_and_bad_is_refused) {
  json j = to_json(prof_export_test::sample_run().run);
  j.erase("weights_source");
  BOOST_TEST((run_info_from_json(j, "run").weights_source.origin == WeightsOrigin::Unknown));
  j["weights_source"] = {{"origin", "random"}, {"seed", -1}, {"heavy_tailed", false}};
  try {
    run_info_from_json(j, "run");
    BOOST_FAIL("a negative seed must be refused");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "run.weights_source.seed");
  }
  j["weights_source"] = {{"origin", "cloud"}};
  BOOST_CHECK_THROW(run_info_from_json(j, "run"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
