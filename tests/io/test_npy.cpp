#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/npy.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

bool parse_fails_with(const std::string& bytes, const std::string& needle) {
  try {
    decode_npy(bytes, "x.npy");
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    const std::string what = e.what();
    return e.kind() == ErrorKind::Parse && what.find(needle) != std::string::npos &&
           what.rfind("x.npy", 0) == 0 && what.find('\n') == std::string::npos;
  }
  return false;
}

// A v1.0 file image with the given header dict and data bytes (header padded like numpy).
std::string image(const std::string& dict, size_t data_bytes) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h.push_back(' ');
  h.push_back('\n');
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(h.size() & 0xff));
  out.push_back(static_cast<char>(h.size() >> 8));
  return out + h + std::string(data_bytes, '\0');
}

}  // namespace

BOOST_AUTO_TEST_SUITE(npy)

BOOST_AUTO_TEST_CASE(header_layout_matches_numpy) {
  const std::vector<float> values = {1.0f, -2.5f, 3.25f, 0.0f, 1e-30f, -7.0f};
  const std::string bytes = encode_npy(values, {2, 3});
  BOOST_TEST(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_len = static_cast<unsigned char>(bytes[8]) |
                            (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
  BOOST_TEST((10 + header_len) % 64 == 0u);
  const std::string header = bytes.substr(10, header_len);
  BOOST_TEST(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0u);
  BOOST_TEST(header.back() == '\n');
  BOOST_TEST(bytes.size() == 10 + header_len + values.size() * 4);
  // Little-endian float32 bit patterns: -2.5f is 0xc0200000.
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data() + 10 + header_len);
  BOOST_TEST(data[4] == 0x00);
  BOOST_TEST(data[7] == 0xc0);
  BOOST_TEST(data[6] == 0x20);
}

BOOST_AUTO_TEST_CASE(one_dimensional_shape_is_a_python_tuple) {
  const std::string bytes = encode_npy(std::vector<float>{1, 2, 3}, {3});
  BOOST_TEST(bytes.find("'shape': (3,), }") != std::string::npos);
  const NpyArray a = decode_npy(bytes, "x.npy");
  BOOST_TEST(a.shape == std::vector<int64_t>({3}));
}

BOOST_AUTO_TEST_CASE(round_trip_through_a_file) {
  std::vector<float> values(5 * 7);
  for (size_t i = 0; i < values.size(); ++i) values[i] = std::sin(static_cast<float>(i)) * 100.0f;
  const fs::path path = fs::temp_directory_path() / ("archscope-npy-" + std::to_string(::getpid()) + ".npy");
  write_npy(path, values, {5, 7});
  const NpyArray back = read_npy(path);
  fs::remove(path);
  BOOST_TEST(back.shape == std::vector<int64_t>({5, 7}));
  BOOST_TEST(back.data == values);
}

BOOST_AUTO_TEST_CASE(reads_the_hf_fixture_written_by_numpy) {
  const NpyArray a = read_npy(fs::path(ARCHSCOPE_FIXTURES) / "hf" / "llama" / "logits.npy");
  BOOST_TEST(a.shape == std::vector<int64_t>({72, 512}));
  float max_abs = 0.0f;
  for (float v : a.data) max_abs = std::max(max_abs, std::fabs(v));
  // meta.json: max_abs_logit 2.8638322667125538 (float64), rounded to float32 in the file.
  BOOST_TEST(max_abs == 2.8638322667125538f);
}

BOOST_AUTO_TEST_CASE(keys_in_any_order_and_version_2_are_accepted) {
  std::string bytes = image("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", 8);
  BOOST_TEST(decode_npy(bytes, "x.npy").data.size() == 2u);
  // v2.0: 4-byte header length.
  std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  while ((12 + h.size() + 1) % 64 != 0) h.push_back(' ');
  h.push_back('\n');
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8);
  for (int i = 0; i < 4; ++i) v2.push_back(static_cast<char>((h.size() >> (8 * i)) & 0xff));
  v2 += h + std::string(4, '\0');
  BOOST_TEST(decode_npy(v2, "x.npy").shape == std::vector<int64_t>({1}));
}

BOOST_AUTO_TEST_CASE(writer_refuses_a_shape_that_does_not_match) {
  BOOST_CHECK_THROW(encode_npy(std::vector<float>(5), {2, 3}), Error);
  BOOST_CHECK_THROW(encode_npy(std::vector<float>(6), {-2, -3}), Error);
}

BOOST_AUTO_TEST_CASE(bad_files_are_parse_errors_naming_the_problem) {
  const std::string good = encode_npy(std::vector<float>(6, 1.0f), {2, 3});
  BOOST_TEST(parse_fails_with("", "bad magic"));
  BOOST_TEST(parse_fails_with("PK\x03\x04 not numpy at all", "bad magic"));
  std::string bad_version = good;
  bad_version[6] = 9;
  BOOST_TEST(parse_fails_with(bad_version, "version 9"));
  std::string long_header = good;
  long_header[9] = 0x7f;
  BOOST_TEST(parse_fails_with(long_header, "runs past the end"));
  BOOST_TEST(parse_fails_with(good.substr(0, good.size() - 4), "data holds 20 bytes but the shape needs 24"));
  BOOST_TEST(parse_fails_with(good + "xxxx", "data holds 28 bytes"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16), "'<f8'"));
  BOOST_TEST(parse_fails_with(image("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8), "'>f4'"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8), "Fortran"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': False}", 4), "missing key"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8), "integer"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", 8), "True or False"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8), "'x'"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", 8), "expected"));
  BOOST_TEST(parse_fails_with(image("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 8), "too large"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
  try {
    read_npy("/nonexistent/dir/x.npy");
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Io));
  }
}

BOOST_AUTO_TEST_SUITE_END()
