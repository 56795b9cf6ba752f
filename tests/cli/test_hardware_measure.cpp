// `archscope hardware --measure` measures the host it runs on into a profile file that
// --hardware reads: the CPU named as /proc/cpuinfo names it, the memory /proc/meminfo gives,
// measured bandwidth and FP32 rate, OpenBLAS's sgemm and the theoretical FMA peak in its source;
// an existing file is kept unless --force.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {

std::string proc_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hardware_measure)

BOOST_AUTO_TEST_CASE(measures_the_host_into_a_profile_that_hardware_reads) {
  const fs::path dir = fs::temp_directory_path() / ("archscope-hw-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string out = (dir / "host.json").string();
  const CliResult r = run_cli({"hardware", "--measure", "--seconds", "0.05", "--threads", "1",
                               "--name", "this-host", "--out", out});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const nlohmann::json j = nlohmann::json::parse(read_all(out));
  BOOST_TEST(j.at("format") == "archscope.hardware/1");
  BOOST_TEST(j.at("name") == "this-host");
  const std::string cpu = proc_field("/proc/cpuinfo", "model name");
  BOOST_TEST(j.at("description").get<std::string>().rfind(cpu, 0) == 0u, j.at("description"));
  const std::string source = j.at("source").get<std::string>();
  BOOST_TEST(source.find("'" + cpu + "'") != std::string::npos, source);
  BOOST_TEST(source.find("OpenBLAS cblas_sgemm (libopenblas") != std::string::npos, source);
  BOOST_TEST(source.find("Theoretical FP32 FMA peak ") != std::string::npos, source);
  // MemTotal is in KiB; the profile keeps GiB to 2 decimals.
  const double mem_gib = std::stod(proc_field("/proc/meminfo", "MemTotal")) / (1024.0 * 1024.0);
  BOOST_TEST(std::abs(j.at("memory_gib").get<double>() - mem_gib) <= 0.005 + 1e-9);
  BOOST_TEST(j.at("memory_bandwidth_gbs").get<double>() > 0.0);
  BOOST_TEST(j.at("peak_tflops").at("fp32").get<double>() > 0.0);

  // --hardware takes the file: the memory check compares with the measured memory.
  const CliResult a = run_cli({"analyze", "--preset", "llama3-mini", "--hardware", out, "--json"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  const nlohmann::json aj = nlohmann::json::parse(a.out);
  BOOST_TEST(aj.at("memory").at("device_bytes").get<double>() ==
             std::llround(j.at("memory_gib").get<double>() * 1073741824.0));
  BOOST_TEST(aj.at("memory").at("fits") == true);

  // An existing file is kept without --force; --out needs --measure.
  const std::string before = read_all(out);
  const CliResult again = run_cli({"hardware", "--measure", "--seconds", "0.05", "--out", out});
  BOOST_TEST(again.exit_code == 2);
  BOOST_TEST(is_one_line(again.err), again.err);
  BOOST_TEST(again.err.find("--force") != std::string::npos, again.err);
  BOOST_TEST(read_all(out) == before);
  BOOST_TEST(run_cli({"hardware", "--out", out}).exit_code == 2);
  // A directory that does not exist is bad input, named before anything is measured; so is a
  // profile file --hardware cannot open.
  const CliResult nodir =
      run_cli({"hardware", "--measure", "--out", (dir / "no" / "such" / "host.json").string()});
  BOOST_TEST(nodir.exit_code == 2);
  BOOST_TEST(nodir.err.find("--out: directory") != std::string::npos, nodir.err);
  const CliResult missing = run_cli(
      {"analyze", "--preset", "llama3-mini", "--hardware", (dir / "missing.json").string()});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(is_one_line(missing.err), missing.err);
  BOOST_TEST(missing.err.find("--hardware") != std::string::npos, missing.err);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
