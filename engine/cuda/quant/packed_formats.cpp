// Sizes of the packed layouts (packed_gemv.hpp), host side.
#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda {

const char* packed_format_name(PackedFormat f) {
  switch (f) {
    case PackedFormat::Q8_0:
      return "q8_0";
    case PackedFormat::Q4_0:
      return "q4_0";
    case PackedFormat::Int4G128:
      return "int4-g128";
    case PackedFormat::Nf4:
      return "nf4";
    case PackedFormat::Mxfp4:
      return "mxfp4";
    case PackedFormat::Int8Channel:
      return "int8-channel";
    case PackedFormat::Fp8E4M3Channel:
      return "fp8-e4m3-channel";
    case PackedFormat::Fp8E4M3Block128:
      return "fp8-e4m3-block128";
  }
  return "?";
}

int64_t packed_block_elems(PackedFormat f, int64_t K) {
  switch (f) {
    case PackedFormat::Q8_0:
    case PackedFormat::Q4_0:
    case PackedFormat::Mxfp4:
      return 32;
    case PackedFormat::Nf4:
      return 64;
    case PackedFormat::Int4G128:
      return 128;
    case PackedFormat::Int8Channel:
    case PackedFormat::Fp8E4M3Channel:
    case PackedFormat::Fp8E4M3Block128:
      return K;
  }
  return K;
}

int64_t packed_block_bytes(PackedFormat f, int64_t K) {
  switch (f) {
    case PackedFormat::Q8_0:
      return 34;
    case PackedFormat::Q4_0:
      return 18;
    case PackedFormat::Mxfp4:
      return 17;
    case PackedFormat::Nf4:
      return 36;
    case PackedFormat::Int4G128:
      return 68;
    case PackedFormat::Int8Channel:
    case PackedFormat::Fp8E4M3Channel:
    case PackedFormat::Fp8E4M3Block128:
      return K;
  }
  return K;
}

int64_t packed_row_bytes(PackedFormat f, int64_t K) {
  switch (f) {
    case PackedFormat::Int8Channel:
    case PackedFormat::Fp8E4M3Channel:
    case PackedFormat::Fp8E4M3Block128:
      return K;
    default: {
      const int64_t b = packed_block_elems(f, K);
      return (K + b - 1) / b * packed_block_bytes(f, K);
    }
  }
}

int64_t packed_scale_count(PackedFormat f, int64_t N, int64_t K) {
  switch (f) {
    case PackedFormat::Int8Channel:
    case PackedFormat::Fp8E4M3Channel:
      return N;
    case PackedFormat::Fp8E4M3Block128:
      return ((N + 127) / 128) * ((K + 127) / 128);
    default:
      return 0;
  }
}

}  // namespace archscope::cuda
