#include "backend/kernel_choices.hpp"

#include "common/error.hpp"

namespace archscope {

namespace {

bool on_off(const std::string& name, const std::string& value) {
  if (value == "on") return true;
  if (value == "off") return false;
  throw Error(ErrorKind::Validation, "--kernel", name + "=" + value + ": expected on or off");
}

}  // namespace

bool KernelChoices::is_default() const {
  return attention == AttentionKernel::Auto && linear == LinearKernel::Auto &&
         experts == ExpertsKernel::Auto && graphs && pdl && fuse;
}

std::string KernelChoices::to_string() const {
  const char* a = attention == AttentionKernel::Flash   ? "flash"
                  : attention == AttentionKernel::Fp32  ? "fp32"
                  : attention == AttentionKernel::Naive ? "naive"
                                                        : "auto";
  const char* l = linear == LinearKernel::Cublas       ? "cublas"
                  : linear == LinearKernel::Gemv       ? "gemv"
                  : linear == LinearKernel::GemvStream ? "gemv-stream"
                                                       : "auto";
  const char* x = experts == ExpertsKernel::Gemv     ? "gemv"
                  : experts == ExpertsKernel::Tensor ? "tensor"
                  : experts == ExpertsKernel::Tiles  ? "tiles"
                                                     : "auto";
  return std::string("attention=") + a + ",linear=" + l + ",experts=" + x +
         ",graphs=" + (graphs ? "on" : "off") + ",pdl=" + (pdl ? "on" : "off") +
         ",fuse=" + (fuse ? "on" : "off");
}

void apply_kernel_choice(KernelChoices& c, const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw Error(ErrorKind::Validation, "--kernel",
                "'" + text +
                    "' is not NAME=VARIANT (names: attention, linear, experts, graphs, pdl, fuse)");
  const std::string name = text.substr(0, eq), value = text.substr(eq + 1);
  if (name == "attention") {
    if (value == "auto")
      c.attention = AttentionKernel::Auto;
    else if (value == "flash")
      c.attention = AttentionKernel::Flash;
    else if (value == "fp32")
      c.attention = AttentionKernel::Fp32;
    else if (value == "naive")
      c.attention = AttentionKernel::Naive;
    else
      throw Error(ErrorKind::Validation, "--kernel",
                  "attention=" + value + ": expected auto, flash, fp32 or naive");
  } else if (name == "linear") {
    if (value == "auto")
      c.linear = LinearKernel::Auto;
    else if (value == "cublas")
      c.linear = LinearKernel::Cublas;
    else if (value == "gemv")
      c.linear = LinearKernel::Gemv;
    else if (value == "gemv-stream")
      c.linear = LinearKernel::GemvStream;
    else
      throw Error(ErrorKind::Validation, "--kernel",
                  "linear=" + value + ": expected auto, cublas, gemv or gemv-stream");
  } else if (name == "experts") {
    if (value == "auto")
      c.experts = ExpertsKernel::Auto;
    else if (value == "gemv")
      c.experts = ExpertsKernel::Gemv;
    else if (value == "tensor")
      c.experts = ExpertsKernel::Tensor;
    else if (value == "tiles")
      c.experts = ExpertsKernel::Tiles;
    else
      throw Error(ErrorKind::Validation, "--kernel",
                  "experts=" + value + ": expected auto, gemv, tensor or tiles");
  } else if (name == "graphs") {
    c.graphs = on_off(name, value);
  } else if (name == "pdl") {
    c.pdl = on_off(name, value);
  } else if (name == "fuse") {
    c.fuse = on_off(name, value);
  } else {
    throw Error(
        ErrorKind::Validation, "--kernel",
        "unknown kernel '" + name + "' (names: attention, linear, experts, graphs, pdl, fuse)");
  }
}

KernelChoices parse_kernel_choices(const std::vector<std::string>& texts) {
  KernelChoices c;
  for (const std::string& t : texts) apply_kernel_choice(c, t);
  return c;
}

}  // namespace archscope
