#pragma once
// Input documents for the benchmarks, made on the spot: incompressible bytes,
// and PDFs whose size is a scanned page's.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>

namespace sign::bench {

/// Writes `size` pseudo-random bytes from `seed` to `out`.
void write_random(std::ofstream& out, size_t size, uint64_t seed);

/// A one-page PDF 1.7 showing one `side` x `side` 8-bit grey image of random pixels.
void make_pdf(const std::filesystem::path& path, int side, uint64_t seed);

}  // namespace sign::bench
