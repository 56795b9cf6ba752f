// Memory-mapped reader for Hugging Face safetensors files, single or sharded (with
// model.safetensors.index.json). Every header field is validated before any tensor byte is
// touched: header length within the file, known dtypes, shapes whose byte size matches the
// offsets, offsets inside the data section, no overlaps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace archscope {

enum class StDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, F8E4M3, F8E5M2 };

const char* to_string(StDType t);
std::size_t element_size(StDType t);

struct TensorView {
  std::string name;
  StDType dtype = StDType::F32;
  std::vector<int64_t> shape;
  const std::byte* data = nullptr;  // points into the mapping; valid while the file is open
  std::size_t bytes = 0;
  std::string file;  // the file it came from, for error messages

  int64_t numel() const;
};

// A read-only mapping of one file. Throws archscope::Error (Io / Parse) naming the file and,
// where relevant, the tensor.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const TensorView* find(const std::string& name) const;
  const std::string& path() const { return file_->path(); }

 private:
  std::shared_ptr<MappedFile> file_;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A model directory: model.safetensors, or the shards named by model.safetensors.index.json.
class SafetensorsModel {
 public:
  explicit SafetensorsModel(const std::filesystem::path& dir_or_file);

  const TensorView* find(const std::string& name) const;
  // Throws Error(NotFound) naming the tensor and the directory.
  const TensorView& get(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::string where_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorView*> index_;
};

// Converts a floating-point tensor (F64/F32/F16/BF16) to fp32. `count` must equal numel().
void convert_to_f32(const TensorView& tensor, float* out, std::size_t count);
// Converts elements [first, first + count) of it (Error Internal when outside the tensor).
void convert_range_to_f32(const TensorView& tensor, std::size_t first, float* out, std::size_t count);

// Gives the mapped pages of bytes [offset, offset + bytes) of the tensor's data back to the kernel
// (madvise MADV_DONTNEED): they leave this process's resident set and are read from the file
// again only if touched. The loader calls it once a piece is converted or copied, so the mapping
// of a checkpoint never adds the checkpoint's size to the peak memory of a load.
void release_pages(const TensorView& tensor, std::size_t offset, std::size_t bytes);

}  // namespace archscope
