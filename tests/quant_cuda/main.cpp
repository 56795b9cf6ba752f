// Entry point of the packed-weight CUDA kernel suite: without a CUDA device it prints why and
// returns 77, which CTest (SKIP_RETURN_CODE) reports as skipped rather than passed or failed.
#define BOOST_TEST_MODULE archscope_quant_cuda
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "backend/cuda_entry.hpp"
#include "backend_cuda/cuda_helpers.hpp"

using archscope::test::GpuFixture;
BOOST_TEST_GLOBAL_FIXTURE(GpuFixture);

int main(int argc, char* argv[]) {
  if (archscope::cuda_entry::devices().empty()) {
    std::puts("test_quant_cuda: no CUDA device, skipped");
    return 77;
  }
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
