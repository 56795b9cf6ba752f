// The shipped hardware profiles load, name themselves after their file, and carry positive,
// datasheet-consistent figures (dense peaks, so bf16 never exceeds fp8 and fp32 stays below bf16
// on tensor-core GPUs).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <set>

#include "presets/hardware_catalog.hpp"
#include "preset_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(hardware_profiles)

BOOST_AUTO_TEST_CASE(every_profile_loads_with_positive_values) {
  const auto dir = hardware_dir(presets_dir());
  const auto names = hardware_names(dir);
  const std::set<std::string> have(names.begin(), names.end());
  for (const char* want : {"h100-sxm", "h200", "a100-80gb", "rtx-4090", "cpu-generic"}) {
    BOOST_TEST(have.count(want) == 1u, "missing hardware profile " << want);
  }
  const auto profiles = list_hardware(dir);
  BOOST_TEST(profiles.size() == names.size());
  for (size_t i = 0; i < profiles.size(); ++i) {
    const HardwareProfile& hw = profiles[i];
    BOOST_TEST_CONTEXT(names[i]) {
      BOOST_TEST(hw.name == names[i]);
      BOOST_TEST(!hw.description.empty());
      BOOST_TEST(!hw.source.empty());
      BOOST_TEST(hw.memory_bandwidth > 0);
      BOOST_TEST(hw.memory_bytes > 0u);
      BOOST_TEST(hw.peak(DType::F32) > 0);
      for (double p : hw.peak_flops) BOOST_TEST(p >= 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(gpu_figures_are_dense_datasheet_values) {
  const auto dir = hardware_dir(presets_dir());
  const HardwareProfile h100 = load_hardware("h100-sxm", dir);
  const HardwareProfile h200 = load_hardware("h200", dir);
  const HardwareProfile a100 = load_hardware("a100-80gb", dir);
  const HardwareProfile ada = load_hardware("rtx-4090", dir);
  // Same GH100 compute, more and faster memory.
  BOOST_TEST(h200.peak_flops == h100.peak_flops, boost::test_tools::per_element());
  BOOST_TEST(h200.memory_bandwidth > h100.memory_bandwidth);
  BOOST_TEST(h200.memory_bytes > h100.memory_bytes);
  // Dense, not sparse: half the datasheet's 1,979 TFLOPS bf16 headline.
  BOOST_TEST(h100.peak(DType::BF16) == 989.4e12);
  BOOST_TEST(h100.peak(DType::FP8) == 2 * 989.45e12, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(a100.peak(DType::BF16) == 312e12);
  BOOST_TEST(a100.peak(DType::FP8) == 0.0);  // Ampere has no FP8 tensor cores
  for (const HardwareProfile* hw : {&h100, &h200, &a100, &ada}) {
    BOOST_TEST_CONTEXT(hw->name) {
      BOOST_TEST(hw->peak(DType::F32) < hw->peak(DType::BF16));
      BOOST_TEST(hw->peak(DType::BF16) == hw->peak(DType::F16));
    }
  }
  // Data-centre tensor cores run int8 at twice the 16-bit rate; GeForce Ada runs 16-bit inputs
  // with FP32 accumulation at half rate, so its int8 is four times its bf16.
  for (const HardwareProfile* hw : {&h100, &h200, &a100}) {
    BOOST_TEST(hw->peak(DType::INT8) == 2 * hw->peak(DType::BF16), boost::test_tools::tolerance(1e-3));
  }
  BOOST_TEST(ada.peak(DType::INT8) == 4 * ada.peak(DType::BF16), boost::test_tools::tolerance(1e-3));
}

BOOST_AUTO_TEST_CASE(cpu_profile_is_fp32_only) {
  const HardwareProfile cpu = load_hardware("cpu-generic", hardware_dir(presets_dir()));
  BOOST_TEST(cpu.peak(DType::F32) > 0);
  BOOST_TEST(cpu.peak(DType::BF16) == 0.0);
  BOOST_TEST((effective_compute_dtype(cpu, DType::BF16) == DType::F32));
  // A CPU: far below any of the GPUs.
  BOOST_TEST(cpu.peak(DType::F32) < 10e12);
  BOOST_TEST(cpu.memory_bandwidth < 1000e9);
}

BOOST_AUTO_TEST_SUITE_END()
