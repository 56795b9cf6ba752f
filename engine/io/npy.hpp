// NumPy .npy files of float32 arrays: what `archscope logits` writes and what the HF reference
// fixtures (tests/fixtures/hf/*/logits.npy) hold, so engine output can be compared with NumPy and
// PyTorch without a conversion step. Only '<f4', C order is produced or accepted: anything else
// is a file we did not write and would misread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace archscope {

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;  // C order, numel(shape) values
};

// The whole file image: format v1.0 header ("\x93NUMPY", 1, 0, u16 header length, Python dict
// literal padded with spaces and ended by '\n' so the data starts at a multiple of 64), then the
// values little-endian. Throws Error(Validation) when data.size() != product of shape.
std::string encode_npy(std::span<const float> data, const std::vector<int64_t>& shape);

// Writes encode_npy() to `path` (Error(Io) naming the path when it cannot).
void write_npy(const std::filesystem::path& path, std::span<const float> data,
               const std::vector<int64_t>& shape);

// Parses a file image; `origin` prefixes error locations. Accepts header versions 1.0, 2.0 and
// 3.0 (4-byte length). Error(Parse) for a bad magic, version, header dict, dtype other than '<f4',
// Fortran order, or a data section whose length differs from the shape's.
NpyArray decode_npy(std::string_view bytes, const std::string& origin);
NpyArray read_npy(const std::filesystem::path& path);

}  // namespace archscope
