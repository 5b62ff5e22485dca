#!/usr/bin/python3
"""Writes the web app's files (service/signd/webapp/) as a C++ source defining
sign::signd::webapp_files(), so signd serves the app it was built with, with no
files to install beside it.

    embed_webapp.py OUTPUT.cpp FILE...
"""
import os
import sys

# Only the kinds of file the app is made of; anything else is a mistake in the file list.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
}


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_path, files = sys.argv[1], sys.argv[2:]
    entries = []
    for index, path in enumerate(sorted(files, key=os.path.basename)):
        name = os.path.basename(path)
        extension = os.path.splitext(name)[1]
        if extension not in CONTENT_TYPES:
            sys.exit(f"{path}: no content type for '{extension}' files")
        with open(path, "rb") as source:
            data = source.read()
        entries.append((index, name, CONTENT_TYPES[extension], data))
    with open(out_path, "w", encoding="ascii") as out:
        out.write("// Generated from service/signd/webapp/ by embed_webapp.py; do not edit.\n")
        out.write('#include "app/webapp_routes.h"\n\nnamespace sign::signd {\n\nnamespace {\n')
        for index, _, _, data in entries:
            rows = [", ".join(str(b) for b in data[i:i + 24]) for i in range(0, len(data), 24)]
            out.write(f"const unsigned char file_{index}[] = {{\n")
            out.write(",\n".join(rows) if rows else "0")
            out.write("\n};\n")
        out.write("}  // namespace\n\n")
        out.write("const std::vector<WebappFile>& webapp_files() {\n")
        out.write("    static const std::vector<WebappFile> files = {\n")
        for index, name, content_type, data in entries:
            out.write(f"        {{{cpp_string(name)}, {cpp_string(content_type)}, "
                      f"std::string_view(reinterpret_cast<const char*>(file_{index}), {len(data)})}},\n")
        out.write("    };\n    return files;\n}\n\n}  // namespace sign::signd\n")


if __name__ == "__main__":
    main()
