#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/dtype.hpp"
#include "common/error.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(common)

BOOST_AUTO_TEST_CASE(error_message_names_location) {
  Error e(ErrorKind::Validation, "attention.kv_heads", "3 does not divide heads 32");
  BOOST_TEST(std::string(e.what()) == "attention.kv_heads: 3 does not divide heads 32");
  Error outer = e.within("qwen.json");
  BOOST_TEST(std::string(outer.what()) == "qwen.json: attention.kv_heads: 3 does not divide heads 32");
  BOOST_TEST((outer.kind() == ErrorKind::Validation));
  BOOST_TEST(outer.message() == "3 does not divide heads 32");
}

BOOST_AUTO_TEST_CASE(dtype_sizes_and_names) {
  BOOST_TEST(dtype_bytes(DType::INT4) == 0.5);
  BOOST_TEST(dtype_bytes(DType::BF16) == 2.0);
  BOOST_TEST(dtype_bits(DType::FP8) == 8);
  for (DType t : {DType::F32, DType::BF16, DType::F16, DType::FP8, DType::INT8, DType::INT4}) {
    BOOST_TEST((parse_dtype(to_string(t)).value() == t));
  }
  BOOST_TEST(!parse_dtype("int3").has_value());
  BOOST_TEST(dtype_is_quantized(DType::INT8));
  BOOST_TEST(!dtype_is_quantized(DType::BF16));
}

BOOST_AUTO_TEST_SUITE_END()
