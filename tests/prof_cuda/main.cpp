// Entry point of the CUPTI suite: without a CUDA device (or in a build without CUPTI) it prints why
// and returns 77, which CTest (SKIP_RETURN_CODE) reports as skipped.
#define BOOST_TEST_MODULE archscope_prof_cuda
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "backend/cuda_entry.hpp"
#include "gpu/gpu_tracer.hpp"

int main(int argc, char* argv[]) {
  if (!archscope::prof::gpu::cupti_compiled()) {
    std::printf("test_prof_cuda: %s, skipped\n",
                archscope::prof::gpu::cupti_absent_reason().c_str());
    return 77;
  }
  if (archscope::cuda_entry::devices().empty()) {
    std::puts("test_prof_cuda: no CUDA device, skipped");
    return 77;
  }
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
