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

BackendSpec backend_spec(const std::string& value) {
  const BackendSpec spec = parse_backend_spec(value, "--backend");
  device_of(spec);
  return spec;
}

}  // namespace archscope::cli
