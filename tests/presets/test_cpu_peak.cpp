// The theoretical FP32 FMA peak from /proc/cpuinfo: the per-cycle figure of each AMD core from
// its Software Optimization Guide (FMA pipes x lanes x 2: Zen 1 two 128-bit pipes = 16, Zen 2-4
// two 256-bit = 32, Zen 5 EPYC / Ryzen two 512-bit = 64), physical cores counted once per
// SMT sibling pair, the cpufreq maximum preferred over "cpu MHz"; no guess for a CPU the table
// lacks.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <tuple>

#include "presets/cpu_peak.hpp"

using namespace archscope;
namespace tt = boost::test_tools;

namespace {

// /proc/cpuinfo as Linux prints it: `processors` logical CPUs, `per_core` of them per core.
std::string cpuinfo(const std::string& vendor, int family, int model, const std::string& name,
                    int processors, int per_core, double mhz) {
  std::string out;
  for (int p = 0; p < processors; ++p) {
    out += "processor\t: " + std::to_string(p) + "\nvendor_id\t: " + vendor +
           "\ncpu family\t: " + std::to_string(family) + "\nmodel\t\t: " + std::to_string(model) +
           "\nmodel name\t: " + name + "\ncpu MHz\t\t: " + std::to_string(mhz) +
           "\nphysical id\t: 0\nsiblings\t: " + std::to_string(processors) +
           "\ncore id\t\t: " + std::to_string(p / per_core) +
           "\ncpu cores\t: " + std::to_string(processors / per_core) +
           "\nflags\t\t: fpu fma avx2\n\n";
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpu_peak)

BOOST_AUTO_TEST_CASE(per_cycle_figures_of_amd_cores) {
  struct Case {
    int family, model;
    const char* name;
    int flops;
  };
  // family/model as the CPUs report them (family 17h/19h/1Ah in decimal).
  const Case cases[] = {
      {23, 1, "AMD EPYC 7601 32-Core Processor", 16},         // Naples, Zen
      {23, 8, "AMD Ryzen 7 2700X Eight-Core Processor", 16},  // Pinnacle Ridge, Zen+
      {23, 49, "AMD EPYC 7742 64-Core Processor", 32},        // Rome, Zen 2
      {25, 1, "AMD EPYC 7763 64-Core Processor", 32},         // Milan, Zen 3
      {25, 17, "AMD EPYC 9654 96-Core Processor", 32},        // Genoa, Zen 4
      {25, 97, "AMD Ryzen 9 7950X 16-Core Processor", 32},    // Raphael, Zen 4
      {26, 2, "AMD EPYC 9755 128-Core Processor", 64},        // Turin, Zen 5
      {26, 68, "AMD Ryzen 9 9950X 16-Core Processor", 64},    // Granite Ridge, Zen 5
  };
  for (const Case& c : cases) {
    const CpuPeak p =
        cpu_peak_from(cpuinfo("AuthenticAMD", c.family, c.model, c.name, 4, 2, 2000), 0);
    BOOST_TEST(p.flops_per_cycle_per_core == c.flops, c.name);
    BOOST_TEST(!p.flops_source.empty());
    BOOST_TEST(p.physical_cores == 2, c.name);  // 4 logical CPUs, 2 per core
    BOOST_TEST(p.ghz == 2.0, tt::tolerance(1e-12));
    BOOST_TEST(p.tflops() == c.flops * 2 * 2.0 / 1000, tt::tolerance(1e-12));
  }
}

// EPYC 7742 (AMD's product page: 64 cores, 2.25 GHz base): 64 x 32 x 2.25 GHz = 4.608 TFLOP/s
// FP32 at the base clock. cpufreq's maximum (kHz) wins over "cpu MHz"; SMT siblings count once.
BOOST_AUTO_TEST_CASE(cores_times_clock_times_per_cycle) {
  const std::string info =
      cpuinfo("AuthenticAMD", 23, 49, "AMD EPYC 7742 64-Core Processor", 128, 2, 1500);
  BOOST_TEST(cpu_peak_from(info, 2250000).tflops() == 4.608, tt::tolerance(1e-9));
  BOOST_TEST(cpu_peak_from(info, 0).tflops() == 64 * 32 * 1.5 / 1000, tt::tolerance(1e-9));
  BOOST_TEST(cpu_peak_from(info, 0).clock_source.find("cpu MHz") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_guess_for_a_cpu_the_table_lacks) {
  for (const auto& [vendor, family, model] :
       {std::tuple{"GenuineIntel", 6, 143}, std::tuple{"AuthenticAMD", 21, 2},
        std::tuple{"AuthenticAMD", 26, 36}}) {  // Sapphire Rapids, Bulldozer-class, Strix Point
    const CpuPeak p = cpu_peak_from(cpuinfo(vendor, family, model, "x", 2, 1, 3000), 0);
    BOOST_TEST(p.flops_per_cycle_per_core == 0);
    BOOST_TEST(p.microarchitecture.empty());
    BOOST_TEST(p.tflops() == 0.0);
    BOOST_TEST(p.physical_cores == 2);  // no core ids shared: one core each
  }
  // Unreadable text: nothing known, nothing invented.
  const CpuPeak empty = cpu_peak_from("", 0);
  BOOST_TEST(empty.tflops() == 0.0);
  BOOST_TEST(empty.ghz == 0.0);
}

BOOST_AUTO_TEST_CASE(the_host_is_described) {
  const CpuPeak p = host_cpu_peak();
  BOOST_TEST(!p.vendor.empty());
  BOOST_TEST(p.physical_cores >= 1);
  if (p.flops_per_cycle_per_core > 0) BOOST_TEST(p.tflops() > 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
