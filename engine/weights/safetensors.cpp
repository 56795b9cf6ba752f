#include "weights/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace archscope {

const char* to_string(StDType t) {
  switch (t) {
    case StDType::F64: return "F64";
    case StDType::F32: return "F32";
    case StDType::F16: return "F16";
    case StDType::BF16: return "BF16";
    case StDType::I64: return "I64";
    case StDType::I32: return "I32";
    case StDType::I16: return "I16";
    case StDType::I8: return "I8";
    case StDType::U8: return "U8";
    case StDType::Bool: return "BOOL";
    case StDType::F8E4M3: return "F8_E4M3";
    case StDType::F8E5M2: return "F8_E5M2";
  }
  return "?";
}

std::size_t element_size(StDType t) {
  switch (t) {
    case StDType::F64:
    case StDType::I64: return 8;
    case StDType::F32:
    case StDType::I32: return 4;
    case StDType::F16:
    case StDType::BF16:
    case StDType::I16: return 2;
    default: return 1;
  }
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

namespace {

bool parse_st_dtype(const std::string& s, StDType& out) {
  static const std::pair<const char*, StDType> table[] = {
      {"F64", StDType::F64},   {"F32", StDType::F32},        {"F16", StDType::F16},
      {"BF16", StDType::BF16}, {"I64", StDType::I64},        {"I32", StDType::I32},
      {"I16", StDType::I16},   {"I8", StDType::I8},          {"U8", StDType::U8},
      {"BOOL", StDType::Bool}, {"F8_E4M3", StDType::F8E4M3}, {"F8_E5M2", StDType::F8E5M2}};
  for (const auto& [name, value] : table) {
    if (s == name) {
      out = value;
      return true;
    }
  }
  return false;
}

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw Error(ErrorKind::Parse, where, message);
}

uint64_t read_u64_le(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path.string()) {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::Io, path_, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorKind::Io, path_, "not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw Error(ErrorKind::Io, path_, std::string("cannot map: ") + std::strerror(err));
    }
    data_ = static_cast<const std::byte*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : file_(std::make_shared<MappedFile>(path)) {
  const std::string& where = file_->path();
  const std::size_t size = file_->size();
  if (size < 8) fail(where, "file too short for a safetensors header (" + std::to_string(size) + " bytes)");
  const uint64_t header_len = read_u64_le(file_->data());
  if (header_len > size - 8) {
    fail(where, "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                    std::to_string(size) + " bytes)");
  }
  const char* header_begin = reinterpret_cast<const char*>(file_->data() + 8);
  nlohmann::json header = nlohmann::json::parse(header_begin, header_begin + header_len, nullptr, false);
  if (header.is_discarded() || !header.is_object()) fail(where, "header is not a JSON object");

  const std::byte* data_begin = file_->data() + 8 + header_len;
  const uint64_t data_size = size - 8 - header_len;
  // Ranges sorted by start, to reject overlapping tensors.
  std::map<uint64_t, std::pair<uint64_t, std::string>> ranges;

  for (const auto& [name, entry] : header.items()) {
    const std::string at = where + ": " + name;
    if (name == "__metadata__") {
      if (!entry.is_object()) fail(at, "__metadata__ must be an object of strings");
      for (const auto& [k, v] : entry.items()) {
        if (!v.is_string()) fail(at + "." + k, "metadata values must be strings");
        metadata_[k] = v.get<std::string>();
      }
      continue;
    }
    if (!entry.is_object()) fail(at, "tensor entry is not an object");
    const auto dt = entry.find("dtype");
    const auto sh = entry.find("shape");
    const auto off = entry.find("data_offsets");
    if (dt == entry.end() || !dt->is_string()) fail(at, "missing or non-string dtype");
    if (sh == entry.end() || !sh->is_array()) fail(at, "missing or non-array shape");
    if (off == entry.end() || !off->is_array() || off->size() != 2) {
      fail(at, "data_offsets must be [begin, end]");
    }
    TensorView view;
    view.name = name;
    view.file = where;
    if (!parse_st_dtype(dt->get<std::string>(), view.dtype)) {
      fail(at, "unknown dtype '" + dt->get<std::string>() + "'");
    }
    uint64_t numel = 1;
    for (const auto& d : *sh) {
      if (!d.is_number_unsigned()) fail(at, "shape entries must be non-negative integers");
      const uint64_t dim = d.get<uint64_t>();
      if (dim > 0 && numel > std::numeric_limits<uint64_t>::max() / dim) fail(at, "shape overflows");
      numel *= dim;
      view.shape.push_back(static_cast<int64_t>(dim));
    }
    for (const auto& o : *off) {
      if (!o.is_number_unsigned()) fail(at, "data_offsets must be non-negative integers");
    }
    const uint64_t begin = (*off)[0].get<uint64_t>();
    const uint64_t end = (*off)[1].get<uint64_t>();
    if (end < begin) fail(at, "data_offsets end before they begin");
    if (end > data_size) {
      fail(at, "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                   ") run past the data section (" + std::to_string(data_size) + " bytes)");
    }
    const uint64_t esize = element_size(view.dtype);
    if (numel > std::numeric_limits<uint64_t>::max() / esize || numel * esize != end - begin) {
      fail(at, "shape and dtype need " + std::to_string(numel) + " x " + std::to_string(esize) +
                   " bytes but data_offsets span " + std::to_string(end - begin));
    }
    if (end > begin) {
      auto next = ranges.lower_bound(begin);
      if (next != ranges.end() && next->first < end) fail(at, "overlaps tensor " + next->second.second);
      if (next != ranges.begin()) {
        auto prev = std::prev(next);
        if (prev->second.first > begin) fail(at, "overlaps tensor " + prev->second.second);
      }
      ranges[begin] = {end, name};
    }
    view.data = data_begin + begin;
    view.bytes = static_cast<std::size_t>(end - begin);
    tensors_.emplace(name, std::move(view));
  }
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

SafetensorsModel::SafetensorsModel(const std::filesystem::path& dir_or_file) {
  namespace fs = std::filesystem;
  where_ = dir_or_file.string();
  std::error_code ec;
  if (fs::is_regular_file(dir_or_file, ec)) {
    files_.push_back(std::make_unique<SafetensorsFile>(dir_or_file));
  } else if (fs::is_directory(dir_or_file, ec)) {
    const fs::path index_path = dir_or_file / "model.safetensors.index.json";
    const fs::path single = dir_or_file / "model.safetensors";
    if (fs::exists(index_path, ec)) {
      std::ifstream in(index_path);
      if (!in) throw Error(ErrorKind::Io, index_path.string(), "cannot open");
      nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
      if (index.is_discarded() || !index.is_object()) {
        throw Error(ErrorKind::Parse, index_path.string(), "not a JSON object");
      }
      const auto map = index.find("weight_map");
      if (map == index.end() || !map->is_object()) {
        throw Error(ErrorKind::Parse, index_path.string() + ": weight_map", "missing or not an object");
      }
      std::map<std::string, SafetensorsFile*> opened;
      for (const auto& [name, shard] : map->items()) {
        if (!shard.is_string()) {
          throw Error(ErrorKind::Parse, index_path.string() + ": weight_map." + name, "not a file name");
        }
        const std::string shard_name = shard.get<std::string>();
        if (shard_name.find('/') != std::string::npos || shard_name == "..") {
          throw Error(ErrorKind::Parse, index_path.string() + ": weight_map." + name,
                      "shard '" + shard_name + "' is not a plain file name");
        }
        if (!opened.count(shard_name)) {
          files_.push_back(std::make_unique<SafetensorsFile>(dir_or_file / shard_name));
          opened[shard_name] = files_.back().get();
        }
        const TensorView* view = opened[shard_name]->find(name);
        if (!view) {
          throw Error(ErrorKind::Parse, (dir_or_file / shard_name).string(),
                      "index lists tensor '" + name + "' but the shard does not hold it");
        }
        index_[name] = view;
      }
      return;
    } else if (fs::exists(single, ec)) {
      files_.push_back(std::make_unique<SafetensorsFile>(single));
    } else {
      throw Error(ErrorKind::Io, where_, "no model.safetensors or model.safetensors.index.json");
    }
  } else {
    throw Error(ErrorKind::Io, where_, "no such file or directory");
  }
  for (const auto& file : files_) {
    for (const auto& [name, view] : file->tensors()) index_[name] = &view;
  }
}

const TensorView* SafetensorsModel::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

const TensorView& SafetensorsModel::get(const std::string& name) const {
  const TensorView* view = find(name);
  if (!view) throw Error(ErrorKind::NotFound, where_ + ": " + name, "tensor missing from the checkpoint");
  return *view;
}

std::vector<std::string> SafetensorsModel::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, view] : index_) out.push_back(name);
  return out;
}

namespace {
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(bits);
}
}  // namespace

void convert_to_f32(const TensorView& t, float* out, std::size_t count) {
  if (static_cast<int64_t>(count) != t.numel()) {
    throw Error(ErrorKind::Internal, t.file + ": " + t.name, "conversion count mismatch");
  }
  convert_range_to_f32(t, 0, out, count);
}

void convert_range_to_f32(const TensorView& t, std::size_t first, float* out, std::size_t count) {
  if (first > static_cast<std::size_t>(t.numel()) || count > static_cast<std::size_t>(t.numel()) - first) {
    throw Error(ErrorKind::Internal, t.file + ": " + t.name, "conversion range outside the tensor");
  }
  const std::byte* p = t.data + first * element_size(t.dtype);
  switch (t.dtype) {
    case StDType::F32:
      std::memcpy(out, p, count * 4);
      return;
    case StDType::F64:
      for (std::size_t i = 0; i < count; ++i) {
        double d;
        std::memcpy(&d, p + 8 * i, 8);
        out[i] = static_cast<float>(d);
      }
      return;
    case StDType::BF16:
      for (std::size_t i = 0; i < count; ++i) {
        uint16_t b;
        std::memcpy(&b, p + 2 * i, 2);
        out[i] = std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
      }
      return;
    case StDType::F16:
      for (std::size_t i = 0; i < count; ++i) {
        uint16_t b;
        std::memcpy(&b, p + 2 * i, 2);
        out[i] = half_to_float(b);
      }
      return;
    default:
      throw Error(ErrorKind::Validation, t.file + ": " + t.name,
                  std::string("dtype ") + to_string(t.dtype) + " is not a float type we convert");
  }
}

void release_pages(const TensorView& t, std::size_t offset, std::size_t bytes) {
  if (offset >= t.bytes || bytes == 0) return;
  bytes = std::min(bytes, t.bytes - offset);
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  // Whole pages around the range: a page shared with a neighbouring tensor is simply read from
  // the file again when that tensor is converted (the mapping is read-only, nothing is lost).
  const auto begin = reinterpret_cast<std::uintptr_t>(t.data + offset) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(t.data + offset + bytes) + page - 1) / page * page;
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);  // advice: failure only keeps pages
}

}  // namespace archscope
