// `archscope import-hf`: turn a Hugging Face config.json into an archscope.model/1 file, so a
// published model becomes a preset or a starting point for edits.
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "config/config_json.hpp"
#include "hf/hf_import.hpp"

namespace archscope::cli {

namespace {
struct ImportHfOptions {
  std::string input;
  std::string out;
  std::string name;
  std::string family;
  std::string source;
};
}  // namespace

Command add_import_hf_command(CLI::App& root) {
  auto options = std::make_shared<ImportHfOptions>();
  CLI::App* sub = root.add_subcommand(
      "import-hf", "Convert a Hugging Face config.json into an archscope model file");
  sub->add_option("config", options->input, "Hugging Face config.json")->required();
  sub->add_option("--out,-o", options->out, "Write here instead of standard output");
  sub->add_option(
      "--name", options->name,
      "Model name (default: the file's model_type with its checkpoint directory or file "
      "name, e.g. \"llama (Meta-Llama-3-8B)\")");
  sub->add_option("--family", options->family,
                  "Family label stored in the file (default: the model_type)");
  sub->add_option("--source", options->source, "Where the numbers come from (stored verbatim)");
  return {sub, [options] {
            ModelConfig config = import_hf_config_file(options->input);
            if (!options->name.empty()) config.name = options->name;
            if (!options->family.empty()) config.family = options->family;
            if (!options->source.empty()) config.source = options->source;
            if (options->out.empty()) {
              std::cout << config_to_text(config);
            } else {
              save_config_file(config, options->out);
            }
            return 0;
          }};
}

}  // namespace archscope::cli
