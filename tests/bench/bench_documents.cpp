#include "bench_documents.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace sign::bench {

// In chunks, so that the process stays small: its resident set at fork time is inherited by
// every child and so is part of the child's ru_maxrss.
void write_random(std::ofstream& out, size_t size, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<uint64_t> chunk(8192);
    size_t written = 0;
    while (written < size) {
        for (auto& word : chunk) word = random();
        size_t n = std::min(size - written, chunk.size() * sizeof(uint64_t));
        out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(n));
        written += n;
    }
}

// side*side bytes of uncompressed, incompressible stream, all of it referenced: a scan, as far
// as size goes.
void make_pdf(const std::filesystem::path& path, int side, uint64_t seed) {
    std::ofstream out(path, std::ios::binary);
    std::vector<std::streamoff> offsets;
    out << "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    auto object = [&](const std::string& body) {
        offsets.push_back(out.tellp());
        out << offsets.size() << " 0 obj\n" << body << "\nendobj\n";
    };
    object("<< /Type /Catalog /Pages 2 0 R >>");
    object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
           "/Contents 4 0 R >>");
    std::string content = "q 495 0 0 495 50 200 cm /Im1 Do Q";
    object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    size_t pixels = static_cast<size_t>(side) * static_cast<size_t>(side);
    offsets.push_back(out.tellp());
    out << offsets.size() << " 0 obj\n<< /Type /XObject /Subtype /Image /Width " << side << " /Height " << side
        << " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " << pixels << " >>\nstream\n";
    write_random(out, pixels, seed);
    out << "\nendstream\nendobj\n";
    std::streamoff xref = out.tellp();
    out << "xref\n0 " << offsets.size() + 1 << "\n0000000000 65535 f \n";
    char line[32];
    for (auto offset : offsets) {
        std::snprintf(line, sizeof line, "%010lld 00000 n \n", static_cast<long long>(offset));
        out << line;
    }
    out << "trailer\n<< /Size " << offsets.size() + 1 << " /Root 1 0 R >>\nstartxref\n" << xref << "\n%%EOF\n";
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace sign::bench
