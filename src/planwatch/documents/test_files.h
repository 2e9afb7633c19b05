// Test support shared by the documents tests: temporary files and running the command-line
// tools (unzip, pdftotext, pdftoppm) that read the rendered documents back.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace planwatch::testing_files {

// A file under the temporary directory, removed at the end of the scope.
class ScratchFile {
 public:
  ScratchFile(const std::string& stem, const std::string& bytes)
      : path_(std::filesystem::temp_directory_path() / (stem + "_" + std::to_string(::getpid()))) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~ScratchFile() { std::filesystem::remove(path_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Runs `command` through the shell; its standard output, and its exit status in `status`.
inline std::string Run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  const int rc = ::pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

// Counts the non-overlapping occurrences of `needle` in `text`.
inline int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace planwatch::testing_files
