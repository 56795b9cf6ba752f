#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "weights/safetensors.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("archscope-st-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static inline int counter = 0;
};

// Writes header JSON + data bytes in the safetensors layout (u64 LE header length first).
void write_raw(const fs::path& p, const std::string& header, const std::vector<uint8_t>& data,
               uint64_t header_len_override = 0) {
  std::ofstream out(p, std::ios::binary);
  uint64_t n = header_len_override ? header_len_override : header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

std::vector<uint8_t> floats(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

std::string error_of(const fs::path& p) {
  try {
    SafetensorsFile f(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(weights)

BOOST_AUTO_TEST_CASE(reads_valid_file_and_converts_dtypes) {
  TempDir dir;
  // a: F32 [2,3]; b: BF16 [2] = {1.0, -2.5}; c: F16 [3] = {1.0, -0.5, 65504}
  std::vector<uint8_t> data = floats({1, 2, 3, 4, 5, 6});
  const uint16_t bf[2] = {0x3f80, 0xc020};
  const uint16_t hf[3] = {0x3c00, 0xb800, 0x7bff};
  data.insert(data.end(), reinterpret_cast<const uint8_t*>(bf), reinterpret_cast<const uint8_t*>(bf) + 4);
  data.insert(data.end(), reinterpret_cast<const uint8_t*>(hf), reinterpret_cast<const uint8_t*>(hf) + 6);
  write_raw(dir.path / "model.safetensors",
            R"({"__metadata__":{"format":"pt"},)"
            R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
            R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},)"
            R"("c":{"dtype":"F16","shape":[3],"data_offsets":[28,34]}})",
            data);
  SafetensorsModel model(dir.path);
  BOOST_TEST(model.names().size() == 3u);
  const TensorView& a = model.get("a");
  BOOST_TEST(a.numel() == 6);
  std::vector<float> out(6);
  convert_to_f32(a, out.data(), out.size());
  BOOST_TEST(out[5] == 6.0f);
  std::vector<float> b(2);
  convert_to_f32(model.get("b"), b.data(), 2);
  BOOST_TEST(b[0] == 1.0f);
  BOOST_TEST(b[1] == -2.5f);
  std::vector<float> c(3);
  convert_to_f32(model.get("c"), c.data(), 3);
  BOOST_TEST(c[0] == 1.0f);
  BOOST_TEST(c[1] == -0.5f);
  BOOST_TEST(c[2] == 65504.0f);
  try {
    model.get("missing.weight");
    BOOST_FAIL("expected an error");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("missing.weight") != std::string::npos);
    BOOST_TEST((e.kind() == ErrorKind::NotFound));
  }
}

BOOST_AUTO_TEST_CASE(rejects_lying_headers) {
  TempDir dir;
  const fs::path p = dir.path / "bad.safetensors";
  const auto data = floats({1, 2, 3, 4});

  write_raw(p, R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data, 1u << 30);
  BOOST_TEST(error_of(p).find("runs past the end of the file") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,32]}})", data);
  BOOST_TEST(error_of(p).find("run past the data section") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}})", data);
  BOOST_TEST(error_of(p).find("shape and dtype need") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"Q9","shape":[4],"data_offsets":[0,16]}})", data);
  BOOST_TEST(error_of(p).find("unknown dtype") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", data);
  BOOST_TEST(error_of(p).find("overlaps") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data);
  BOOST_TEST(error_of(p).find("non-negative") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}})", data);
  BOOST_TEST(error_of(p).find("end before") != std::string::npos);

  write_raw(p, R"({"a": [1,2)", data);
  BOOST_TEST(error_of(p).find("not a JSON object") != std::string::npos);

  write_raw(p, R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}})", data);
  BOOST_TEST(error_of(p).find("overflows") != std::string::npos);

  {
    std::ofstream out(p, std::ios::binary);
    out << "abc";
  }
  BOOST_TEST(error_of(p).find("too short") != std::string::npos);
  // Every message names the file.
  BOOST_TEST(error_of(p).find(p.string()) == 0u);
}

BOOST_AUTO_TEST_CASE(sharded_index) {
  TempDir dir;
  write_raw(dir.path / "model-00001-of-00002.safetensors",
            R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", floats({7, 8}));
  write_raw(dir.path / "model-00002-of-00002.safetensors",
            R"({"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", floats({9}));
  {
    std::ofstream idx(dir.path / "model.safetensors.index.json");
    idx << R"({"metadata":{},"weight_map":{"x":"model-00001-of-00002.safetensors","y":"model-00002-of-00002.safetensors"}})";
  }
  SafetensorsModel model(dir.path);
  float y = 0;
  convert_to_f32(model.get("y"), &y, 1);
  BOOST_TEST(y == 9.0f);
  BOOST_TEST(model.names().size() == 2u);

  {
    std::ofstream idx(dir.path / "model.safetensors.index.json");
    idx << R"({"weight_map":{"z":"model-00001-of-00002.safetensors"}})";
  }
  BOOST_CHECK_EXCEPTION(SafetensorsModel{dir.path}, Error, [](const Error& e) {
    return std::string(e.what()).find("does not hold it") != std::string::npos;
  });
  {
    std::ofstream idx(dir.path / "model.safetensors.index.json");
    idx << R"({"weight_map":{"x":"../../etc/passwd"}})";
  }
  BOOST_CHECK_THROW(SafetensorsModel{dir.path}, Error);
}

BOOST_AUTO_TEST_SUITE_END()
