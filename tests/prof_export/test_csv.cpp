#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "common/error.hpp"
#include "export/csv.hpp"
#include "prof_export/sample_run.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace prof_export_test;

namespace {
std::vector<std::vector<std::string>> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_csv(in);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(prof_csv)

BOOST_AUTO_TEST_CASE(fields_are_quoted_only_when_needed) {
  BOOST_TEST(csv_field("q_proj") == "q_proj");
  BOOST_TEST(csv_field("a,b") == "\"a,b\"");
  BOOST_TEST(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(csv_field("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(csv_field("") == "");
}

BOOST_AUTO_TEST_CASE(header_then_one_crlf_line_per_span) {
  const RunData d = sample_run();
  std::ostringstream out;
  write_spans_csv(out, d.spans);
  const std::string text = out.str();
  BOOST_TEST(
      text.rfind(
          "step,phase,layer,op,kind,start_ns,duration_ns,flops,bytes,gflop_per_s,gb_per_s\r\n",
          0) == 0u);
  // The second span: 4e6 FLOP / 2500 ns = 1600 GFLOP/s, 1e6 B / 2500 ns = 400 GB/s.
  BOOST_TEST(
      text.find("0,prefill,0,\"q_proj, fused\",matmul,1500,2500,4000000,1000000,1600,400\r\n") !=
      std::string::npos);
  const auto rows = parse(text);
  BOOST_TEST(rows.size() == d.spans.size() + 1);
  for (const auto& row : rows) BOOST_TEST(row.size() == 11u);
}

BOOST_AUTO_TEST_CASE(round_trip_with_quotes_commas_and_newlines) {
  const RunData d = sample_run();
  std::stringstream io;
  write_spans_csv(io, d.spans);
  const std::vector<SpanRecord> back = read_spans_csv(io);
  BOOST_REQUIRE(back.size() == d.spans.size());
  for (size_t i = 0; i < back.size(); ++i) {
    BOOST_TEST_CONTEXT("span " << i) {
      BOOST_TEST(back[i].step == d.spans[i].step);
      BOOST_TEST((back[i].phase == d.spans[i].phase));
      BOOST_TEST(back[i].layer == d.spans[i].layer);
      BOOST_TEST(back[i].op == d.spans[i].op);
      BOOST_TEST(back[i].kind == d.spans[i].kind);
      BOOST_TEST(back[i].start_ns == d.spans[i].start_ns);
      BOOST_TEST(back[i].duration_ns == d.spans[i].duration_ns);
      BOOST_TEST(back[i].flops == d.spans[i].flops);
      BOOST_TEST(back[i].bytes == d.spans[i].bytes);
    }
  }
  BOOST_TEST(back[2].op == "attn \"flash\"");
  BOOST_TEST(back[3].op == "experts\nrouted");
}

BOOST_AUTO_TEST_CASE(reader_follows_rfc4180) {
  const auto rows = parse("a,\"b,c\",\"d\"\"e\"\r\n,\"\",x\nlast,\"multi\r\nline\"");
  BOOST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0] == (std::vector<std::string>{"a", "b,c", "d\"e"}));
  BOOST_TEST(rows[1] == (std::vector<std::string>{"", "", "x"}));
  BOOST_TEST(rows[2] == (std::vector<std::string>{"last", "multi\r\nline"}));
  BOOST_TEST(parse("a,b\r\n\r\nc,d\r\n").size() == 2u);  // blank line skipped
  BOOST_TEST(parse("a,\r\n")[0] == (std::vector<std::string>{"a", ""}));
}

BOOST_AUTO_TEST_CASE(malformed_input_names_the_line) {
  try {
    parse("a,b\r\nc,\"open\r\n");
    BOOST_FAIL("unterminated quote accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Parse));
    BOOST_TEST(e.where() == "csv line 2");
  }
  BOOST_CHECK_THROW(parse("\"closed\"junk,b\r\n"), Error);

  std::istringstream wrong_header("step,phase\r\n");
  BOOST_CHECK_THROW(read_spans_csv(wrong_header), Error);
  std::istringstream bad_number(
      "step,phase,layer,op,kind,start_ns,duration_ns,flops,bytes,gflop_per_s,gb_per_s\r\n"
      "0,prefill,0,q,matmul,12x,1,1,1,0,0\r\n");
  try {
    read_spans_csv(bad_number);
    BOOST_FAIL("bad number accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "csv line 2: start_ns");
  }
  std::istringstream bad_phase(
      "step,phase,layer,op,kind,start_ns,duration_ns,flops,bytes,gflop_per_s,gb_per_s\r\n"
      "0,warmup,0,q,matmul,1,1,1,1,0,0\r\n");
  BOOST_CHECK_THROW(read_spans_csv(bad_phase), Error);
}

BOOST_AUTO_TEST_SUITE_END()
