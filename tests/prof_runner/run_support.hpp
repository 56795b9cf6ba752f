// Shared by the prof_runner tests: a small profiled run on a mini preset, with every event the
// run published collected from its channel.
#pragma once

#include <string>
#include <vector>

#include "events/channel.hpp"
#include "presets/preset_catalog.hpp"
#include "runner/profiled_run.hpp"

namespace archscope::test {

struct CollectedRun {
  prof::RunResult result;
  std::vector<prof::Event> events;
};

inline prof::RunOptions small_options() {
  prof::RunOptions o;
  o.batch = 2;
  o.prompt = 14;  // + 5 new tokens crosses the 16-token KV block boundary
  o.new_tokens = 5;
  o.threads = 1;
  o.seed = 7;
  o.weights = Elem::F32;
  return o;
}

inline CollectedRun collect_run(const ModelConfig& config, const prof::RunOptions& options) {
  prof::EventChannel channel;
  prof::Subscription sub = channel.subscribe("test", 1 << 16);
  prof::ProfiledRun run(config, options);
  CollectedRun c;
  c.result = run.run(channel);
  channel.close();
  while (prof::EventPtr e = sub.pop()) c.events.push_back(*e);
  return c;
}

inline ModelConfig mini(const std::string& name) { return load_preset(name, ARCHSCOPE_PRESETS); }

}  // namespace archscope::test
