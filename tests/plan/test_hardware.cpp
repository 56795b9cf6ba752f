// Hardware profiles: parsing, validation errors with their JSON paths, dtype fallback, roofline.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "common/error.hpp"
#include "plan/hardware.hpp"
#include "plan/roofline.hpp"

using namespace archscope;
using nlohmann::json;

namespace {

json h100() {
  return json::parse(R"({"format": "archscope.hardware/1", "name": "h100-sxm",
    "description": "NVIDIA H100 SXM5 80GB", "source": "datasheet",
    "memory_bandwidth_gbs": 3350, "memory_gib": 80,
    "peak_tflops": {"fp32": 67, "bf16": 989.4, "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9}})");
}

// The error's location for a profile with one edit.
std::string error_where(const json& j) {
  try {
    hardware_from_json(j, "hw.json");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    return e.where();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_hardware)

BOOST_AUTO_TEST_CASE(parses_units) {
  const HardwareProfile hw = hardware_from_json(h100(), "hw.json");
  BOOST_TEST(hw.name == "h100-sxm");
  BOOST_TEST(hw.description == "NVIDIA H100 SXM5 80GB");
  BOOST_TEST(hw.memory_bandwidth == 3350e9);
  BOOST_TEST(hw.memory_bytes == 80ull << 30);
  BOOST_TEST(hw.peak(DType::BF16) == 989.4e12);
  BOOST_TEST(hw.peak(DType::INT4) == 0.0);  // missing: unsupported
}

BOOST_AUTO_TEST_CASE(unsupported_dtypes_fall_back_to_wider_ones) {
  const HardwareProfile hw = hardware_from_json(h100());
  BOOST_TEST((effective_compute_dtype(hw, DType::INT4) == DType::INT8));
  BOOST_TEST((effective_compute_dtype(hw, DType::FP8) == DType::FP8));
  json cpu = h100();
  cpu["peak_tflops"] = {{"fp32", 1.5}};
  const HardwareProfile c = hardware_from_json(cpu);
  BOOST_TEST((effective_compute_dtype(c, DType::INT4) == DType::F32));
  BOOST_TEST((effective_compute_dtype(c, DType::BF16) == DType::F32));
  cpu["peak_tflops"] = {{"bf16", 10}};
  const HardwareProfile no_fp32 = hardware_from_json(cpu);
  BOOST_CHECK_THROW(effective_compute_dtype(no_fp32, DType::F32), Error);
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
  json j = h100();
  j.erase("format");
  BOOST_TEST(error_where(j) == "hw.json: format");
  j = h100();
  j["format"] = "archscope.hardware/2";
  BOOST_TEST(error_where(j) == "hw.json: format");
  j = h100();
  j["bandwidth"] = 1;
  BOOST_TEST(error_where(j) == "hw.json: bandwidth");
  j = h100();
  j["memory_bandwidth_gbs"] = -5;
  BOOST_TEST(error_where(j) == "hw.json: memory_bandwidth_gbs");
  j = h100();
  j["memory_gib"] = "80";
  BOOST_TEST(error_where(j) == "hw.json: memory_gib");
  j = h100();
  j["name"] = "";
  BOOST_TEST(error_where(j) == "hw.json: name");
  j = h100();
  j["peak_tflops"]["fp64"] = 34;
  BOOST_TEST(error_where(j) == "hw.json: peak_tflops.fp64");
  j = h100();
  j["peak_tflops"]["bf16"] = -1;
  BOOST_TEST(error_where(j) == "hw.json: peak_tflops.bf16");
  j = h100();
  j["peak_tflops"] = {{"fp32", 0}};
  BOOST_TEST(error_where(j) == "hw.json: peak_tflops");
  BOOST_TEST(error_where(json::array()) == "hw.json");
}

BOOST_AUTO_TEST_CASE(loads_the_shipped_h100_profile) {
  const auto path = std::filesystem::path(ARCHSCOPE_PRESETS) / "hardware" / "h100-sxm.json";
  const HardwareProfile hw = load_hardware_file(path);
  BOOST_TEST(hw.name == "h100-sxm");
  BOOST_TEST(hw.memory_bandwidth == 3350e9);
  BOOST_CHECK_THROW(load_hardware_file("/nonexistent/hw.json"), Error);
}

BOOST_AUTO_TEST_CASE(roofline_takes_the_slower_of_compute_and_memory) {
  const HardwareProfile hw = hardware_from_json(h100());
  Op op;
  op.compute = DType::BF16;
  op.flops = 989400000000ull;        // 1 ms at 989.4 TFLOP/s
  op.bytes_read = 3350000000ull;    // 1 ms at 3350 GB/s
  op.bytes_written = 3350000000ull;  // 2 ms in all
  const OpRoofline r = roofline(op, hw);
  BOOST_TEST(r.compute_s == 1e-3, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.memory_s == 2e-3, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.time_s == r.memory_s);
  BOOST_TEST((r.bound == Bound::Memory));
  op.compute = DType::INT4;  // falls back to int8 at 1978.9
  op.flops = 4 * 1978900000000ull;
  const OpRoofline q = roofline(op, hw);
  BOOST_TEST((q.dtype == DType::INT8));
  BOOST_TEST((q.bound == Bound::Compute));
  BOOST_TEST(q.time_s == 4e-3, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
