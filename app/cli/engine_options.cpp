#include "cli/engine_options.hpp"

#include "stack/model_stack.hpp"

namespace archscope::cli {

std::string default_weights_dtype() {
  return to_string(dtype_of(kDefaultWeightsElem));
}

void add_backend_option(CLI::App& app, std::string& value) {
  app.add_option("--backend", value,
                 "Backend to run on: cpu, cuda (device 0) or cuda:N; archscope devices lists them")
      ->capture_default_str();
}

void add_kernel_option(CLI::App& app, std::vector<std::string>& values) {
  app.add_option(
         "--kernel", values,
         "Kernel variant NAME=VARIANT of the cuda backend, repeatable: attention=auto|flash|"
         "fp32|naive, linear=auto|cublas|gemv, graphs=on|off, pdl=on|off (docs/cuda-notes.md "
         "says what each does); recorded with a run")
      ->take_all();
}

BackendSpec backend_spec(const std::string& value, const std::vector<std::string>& kernels) {
  const BackendSpec spec = parse_backend_spec(value, kernels);
  device_of(spec);
  return spec;
}

}  // namespace archscope::cli
