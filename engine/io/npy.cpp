#include "io/npy.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "io/npy_header.hpp"

namespace archscope {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kAlign = 64;  // numpy pads so the data is 64-byte aligned (mmap friendly)

// Element count of a shape, refusing products that overflow (a corrupt header could claim any).
bool checked_numel(const std::vector<int64_t>& shape, uint64_t& n) {
  n = 1;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && n > (uint64_t{1} << 61) / static_cast<uint64_t>(d)) return false;
    n *= static_cast<uint64_t>(d);
  }
  return true;
}

uint32_t little_u32(const unsigned char* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void copy_little_endian_floats(const void* src, float* dst, size_t n) {
  std::memcpy(dst, src, n * sizeof(float));
  if constexpr (std::endian::native == std::endian::big) {
    for (size_t i = 0; i < n; ++i) {
      dst[i] = std::bit_cast<float>(__builtin_bswap32(std::bit_cast<uint32_t>(dst[i])));
    }
  }
}

}  // namespace

std::string encode_npy(std::span<const float> data, const std::vector<int64_t>& shape) {
  uint64_t n = 0;
  if (!checked_numel(shape, n) || n != data.size()) {
    throw Error(ErrorKind::Validation, "npy",
                "shape " + npy_detail::format_header(shape) + " does not hold " +
                    std::to_string(data.size()) + " values");
  }
  std::string header = npy_detail::format_header(shape);
  const size_t prefix = kMagic.size() + 2 + 2;  // magic, version, u16 length
  const size_t unpadded = prefix + header.size() + 1;  // + '\n'
  header.append((kAlign - unpadded % kAlign) % kAlign, ' ');
  header.push_back('\n');
  if (header.size() > 0xffff) {
    throw Error(ErrorKind::Validation, "npy", "shape too long for a v1.0 header");
  }

  std::string out;
  out.reserve(prefix + header.size() + data.size() * sizeof(float));
  out.append(kMagic);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out.append(header);
  const size_t at = out.size();
  out.resize(at + data.size() * sizeof(float));
  // Same routine both ways: a byte swap is its own inverse.
  copy_little_endian_floats(data.data(), reinterpret_cast<float*>(out.data() + at), data.size());
  return out;
}

void write_npy(const std::filesystem::path& path, std::span<const float> data,
               const std::vector<int64_t>& shape) {
  const std::string bytes = encode_npy(data, shape);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::Io, path.string(), "cannot open for writing");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error(ErrorKind::System, path.string(), "write failed");
}

NpyArray decode_npy(std::string_view bytes, const std::string& origin) {
  if (bytes.size() < kMagic.size() + 2 || bytes.substr(0, kMagic.size()) != kMagic) {
    throw Error(ErrorKind::Parse, origin, "not a .npy file (bad magic)");
  }
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = u[6];
  if (major < 1 || major > 3) {
    throw Error(ErrorKind::Parse, origin,
                "unsupported .npy version " + std::to_string(major) + "." + std::to_string(u[7]));
  }
  const int len_bytes = major == 1 ? 2 : 4;
  const size_t prefix = kMagic.size() + 2 + len_bytes;
  if (bytes.size() < prefix) throw Error(ErrorKind::Parse, origin, "truncated .npy header");
  const size_t header_len = little_u32(u + 8, len_bytes);
  if (header_len > bytes.size() - prefix) {
    throw Error(ErrorKind::Parse, origin,
                "header length " + std::to_string(header_len) + " runs past the end of the file");
  }
  const npy_detail::NpyHeader h =
      npy_detail::parse_header(bytes.substr(prefix, header_len), origin);
  if (h.descr != "<f4") {
    throw Error(ErrorKind::Parse, origin,
                "dtype '" + h.descr + "' is not supported (only little-endian float32 '<f4')");
  }
  if (h.fortran_order) throw Error(ErrorKind::Parse, origin, "Fortran-order arrays are not supported");

  uint64_t n = 0;
  if (!checked_numel(h.shape, n)) throw Error(ErrorKind::Parse, origin, "shape too large");
  const size_t data_bytes = bytes.size() - prefix - header_len;
  if (data_bytes != n * sizeof(float)) {
    throw Error(ErrorKind::Parse, origin,
                "data holds " + std::to_string(data_bytes) + " bytes but the shape needs " +
                    std::to_string(n * sizeof(float)));
  }
  NpyArray array;
  array.shape = h.shape;
  array.data.resize(n);
  copy_little_endian_floats(bytes.data() + prefix + header_len, array.data.data(), n);
  return array;
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, path.string(), "cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorKind::System, path.string(), "read failed");
  return decode_npy(bytes, path.string());
}

}  // namespace archscope
