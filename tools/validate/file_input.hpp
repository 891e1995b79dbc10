#pragma once
// Reading whole files for the validation readers, and the one error they all
// throw: a message naming the file and the byte or line that was wrong, so a
// person can open the file and look.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::validate {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The largest PhysioNet file read (an AF Database signal, 10 h of two
// channels) is about 27 MB; a bound keeps /dev/zero or a FIFO from hanging
// a validation run.
inline constexpr std::size_t kMaxRecordingFileBytes = std::size_t{256} << 20;

// Throws FormatError when the file cannot be opened or read, or is not a
// regular file within the bound.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

// One file of the record at `stem` (DIR/RECORD): record_file(stem, ".hea").
std::filesystem::path record_file(const std::filesystem::path& stem, const char* suffix);

}  // namespace vigil::validate
