#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "export/chrome_trace.hpp"
#include "prof_export/sample_run.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace prof_export_test;
using nlohmann::json;

namespace {

json trace_text_round_trip(const RunData& d) {
  std::stringstream io;
  write_chrome_trace(io, d);
  return json::parse(io.str());
}

bool is_int(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_number_integer();
}
bool is_num(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_number();
}
bool is_str(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string();
}
bool is_obj(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_object();
}

// Checks every event against the Trace Event Format's required fields for its phase, and that
// each X track and each counter series runs forward in time.
void validate(const json& trace) {
  BOOST_REQUIRE(trace.is_object());
  BOOST_REQUIRE(trace.contains("traceEvents"));
  BOOST_REQUIRE(trace.at("traceEvents").is_array());
  BOOST_TEST(trace.at("displayTimeUnit") == "ms");
  BOOST_REQUIRE(is_obj(trace, "otherData"));
  for (const auto& [key, value] : trace.at("otherData").items()) BOOST_TEST(value.is_string(), key);

  std::map<std::pair<int64_t, int64_t>, double> last_x_ts;
  std::map<std::string, double> last_c_ts;
  for (const json& e : trace.at("traceEvents")) {
    BOOST_TEST_CONTEXT(e.dump()) {
      BOOST_REQUIRE(is_str(e, "ph"));
      BOOST_TEST(is_str(e, "name"));
      BOOST_TEST(is_int(e, "pid"));
      const std::string ph = e.at("ph");
      if (ph == "X") {
        BOOST_TEST(is_str(e, "cat"));
        BOOST_TEST(is_int(e, "tid"));
        BOOST_REQUIRE(is_num(e, "ts"));
        BOOST_REQUIRE(is_num(e, "dur"));
        BOOST_TEST(e.at("dur").get<double>() >= 0.0);
        BOOST_TEST(is_obj(e, "args"));
        const auto track = std::make_pair(e.at("pid").get<int64_t>(), e.at("tid").get<int64_t>());
        const double ts = e.at("ts").get<double>();
        auto it = last_x_ts.find(track);
        if (it != last_x_ts.end()) BOOST_TEST(ts >= it->second);
        last_x_ts[track] = ts;
      } else if (ph == "M") {
        BOOST_TEST(is_obj(e, "args"));
        const std::string name = e.at("name");
        BOOST_TEST(
            (name == "process_name" || name == "thread_name" || name == "thread_sort_index"));
        if (name != "process_name") BOOST_TEST(is_int(e, "tid"));
        if (name == "thread_sort_index")
          BOOST_TEST(is_int(e.at("args"), "sort_index"));
        else
          BOOST_TEST(is_str(e.at("args"), "name"));
      } else if (ph == "C") {
        BOOST_REQUIRE(is_num(e, "ts"));
        BOOST_REQUIRE(is_obj(e, "args"));
        for (const auto& [series, v] : e.at("args").items()) BOOST_TEST(v.is_number(), series);
        const std::string name = e.at("name");
        const double ts = e.at("ts").get<double>();
        auto it = last_c_ts.find(name);
        if (it != last_c_ts.end()) BOOST_TEST(ts >= it->second);
        last_c_ts[name] = ts;
      } else {
        BOOST_ERROR("unexpected phase " << ph);
      }
    }
  }
}

std::vector<json> events_with(const json& trace, const std::string& ph) {
  std::vector<json> out;
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == ph) out.push_back(e);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_chrome_trace)

BOOST_AUTO_TEST_CASE(trace_follows_the_event_format) {
  const RunData d = sample_run();
  const json trace = trace_text_round_trip(d);
  validate(trace);
  // One X per span plus one per step.
  BOOST_TEST(events_with(trace, "X").size() == d.spans.size() + d.steps.size());
  // A KV sample per step, and a by-kind sample per step since kinds were recorded.
  BOOST_TEST(events_with(trace, "C").size() == 2 * d.steps.size());
  BOOST_TEST(trace.at("otherData").at("model") == "tiny-moe");
  BOOST_TEST(trace.at("otherData").at("batch") == "1");
}

BOOST_AUTO_TEST_CASE(tracks_are_named_and_ordered) {
  const json trace = chrome_trace(sample_run());
  std::map<int64_t, std::string> names;
  std::map<int64_t, int64_t> sort_index;
  std::string process;
  for (const json& e : events_with(trace, "M")) {
    if (e.at("name") == "thread_name") names[e.at("tid")] = e.at("args").at("name");
    if (e.at("name") == "thread_sort_index")
      sort_index[e.at("tid")] = e.at("args").at("sort_index");
    if (e.at("name") == "process_name") process = e.at("args").at("name");
  }
  BOOST_TEST(process == "archscope: tiny, \"quoted\" run");
  // config_json says n_layers = 2, so layer 2 is the epilogue.
  const std::map<int64_t, std::string> expected = {
      {0, "steps"}, {1, "prologue"}, {2, "layer 0"}, {3, "layer 1"}, {4, "epilogue"}};
  BOOST_TEST((names == expected));
  for (const auto& [tid, index] : sort_index) BOOST_TEST(index == tid);
  BOOST_TEST(sort_index.size() == expected.size());

  // Without a readable config the last track is just a layer.
  RunData d = sample_run();
  d.run.config_json = "not json";
  bool saw_layer2 = false;
  for (const json& e : events_with(chrome_trace(d), "M"))
    if (e.at("name") == "thread_name" && e.at("args").at("name") == "layer 2") saw_layer2 = true;
  BOOST_TEST(saw_layer2);
}

BOOST_AUTO_TEST_CASE(the_time_outside_ops_has_its_own_last_track) {
  RunData d = sample_run();
  SpanRecord o = span(0, Phase::Prefill, kStepLayer, kOtherOp, kOtherOp, d.steps[0].start_ns, 1234, 0, 0);
  d.spans.push_back(o);
  const json trace = chrome_trace(d);
  int64_t tid = -1, max_other_tid = 0;
  for (const json& e : events_with(trace, "M")) {
    if (e.at("name") != "thread_name") continue;
    if (e.at("args").at("name") == "outside ops") tid = e.at("tid");
    else max_other_tid = std::max<int64_t>(max_other_tid, e.at("tid"));
  }
  BOOST_TEST(tid > max_other_tid);  // after the epilogue, never on the steps track
  int spans_there = 0;
  for (const json& e : events_with(trace, "X"))
    if (e.at("tid") == tid) {
      ++spans_there;
      BOOST_TEST(e.at("name") == "other");
      BOOST_TEST(e.at("dur").get<double>() == 1.234);
    }
  BOOST_TEST(spans_there == 1);
}

BOOST_AUTO_TEST_CASE(span_events_carry_times_in_microseconds_and_args) {
  const json trace = chrome_trace(sample_run());
  const json* q = nullptr;
  const json* head_decode = nullptr;
  std::set<std::string> cats;
  for (const json& e : trace.at("traceEvents")) {
    if (e.at("ph") != "X") continue;
    cats.insert(e.at("cat").get<std::string>());
    if (e.at("name") == "q_proj, fused" && e.at("args").at("phase") == "prefill") q = &e;
    if (e.at("name") == "head" && e.at("args").at("phase") == "decode") head_decode = &e;
  }
  BOOST_REQUIRE(q);
  BOOST_TEST(q->at("ts").get<double>() == 1.5);  // 1500 ns
  BOOST_TEST(q->at("dur").get<double>() == 2.5);
  BOOST_TEST(q->at("tid").get<int>() == 2);  // layer 0
  BOOST_TEST(q->at("cat") == "matmul");
  const json& args = q->at("args");
  BOOST_TEST(args.at("layer").get<int>() == 0);
  BOOST_TEST(args.at("op") == "q_proj, fused");
  BOOST_TEST(args.at("flops").get<uint64_t>() == 4000000u);
  BOOST_TEST(args.at("bytes").get<uint64_t>() == 1000000u);
  BOOST_TEST(args.at("gflop_per_s").get<double>() == 1600.0);
  BOOST_TEST(args.at("gb_per_s").get<double>() == 400.0);
  BOOST_REQUIRE(head_decode);
  BOOST_TEST(head_decode->at("dur").get<double>() == 0.0);  // zero duration kept, rates 0
  BOOST_TEST(head_decode->at("args").at("gflop_per_s").get<double>() == 0.0);
  BOOST_TEST(
      (cats == std::set<std::string>{"step", "embedding", "matmul", "attention", "experts"}));
}

BOOST_AUTO_TEST_CASE(kv_counters_follow_the_steps) {
  const json trace = chrome_trace(sample_run());
  std::vector<json> kv, by_kind;
  for (const json& e : events_with(trace, "C"))
    (e.at("name") == "kv_cache" ? kv : by_kind).push_back(e);
  BOOST_REQUIRE(kv.size() == 2u);
  BOOST_TEST(kv[0].at("ts").get<double>() == 10.0);    // end of prefill, 10000 ns
  BOOST_TEST(kv[1].at("ts").get<double>() == 13.501);  // 10500 + 3001 ns
  BOOST_TEST(kv[0].at("args").at("used_bytes").get<uint64_t>() == 4096u);
  BOOST_TEST(kv[1].at("args").at("used_bytes").get<uint64_t>() == 5120u);
  BOOST_TEST(kv[1].at("args").at("allocated_bytes").get<uint64_t>() == 65536u);
  BOOST_REQUIRE(by_kind.size() == 2u);
  // "sliding" appears only in the decode step; the prefill sample reports it as 0.
  BOOST_TEST(by_kind[0].at("args").at("sliding").get<uint64_t>() == 0u);
  BOOST_TEST(by_kind[1].at("args").at("sliding").get<uint64_t>() == 1024u);
}

BOOST_AUTO_TEST_CASE(negative_durations_are_rejected) {
  RunData d = sample_run();
  d.spans[3].duration_ns = -1;
  try {
    chrome_trace(d);
    BOOST_FAIL("negative duration accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.where() == "spans[3].duration_ns");
  }
}

BOOST_AUTO_TEST_CASE(empty_run_is_still_a_valid_trace) {
  RunData d;
  d.run.name = "empty";
  const json trace = chrome_trace(d);
  validate(trace);
  BOOST_TEST(events_with(trace, "X").empty());
}

BOOST_AUTO_TEST_SUITE_END()
