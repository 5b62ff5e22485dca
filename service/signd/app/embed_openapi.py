#!/usr/bin/python3
"""Converts docs/openapi.yaml to JSON and writes it as a C++ source defining
sign::signd::openapi_json(), so signd serves the spec it was built with.

    embed_openapi.py SPEC.yaml OUTPUT.cpp
"""
import json
import sys

import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as source:
        spec = yaml.safe_load(source)
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3.1"):
        sys.exit(f"{sys.argv[1]}: not an OpenAPI 3.1 document")
    text = json.dumps(spec, ensure_ascii=False, indent=1).encode("utf-8")
    rows = [", ".join(str(b) for b in text[i:i + 24]) for i in range(0, len(text), 24)]
    with open(sys.argv[2], "w", encoding="ascii") as out:
        out.write("// Generated from docs/openapi.yaml by embed_openapi.py; do not edit.\n")
        out.write('#include "app/api_v1_routes.h"\n\nnamespace sign::signd {\n\nnamespace {\n')
        out.write("const unsigned char openapi_bytes[] = {\n")
        out.write(",\n".join(rows))
        out.write("\n};\n}  // namespace\n\n")
        out.write("const std::string& openapi_json() {\n")
        out.write("    static const std::string text(reinterpret_cast<const char*>(openapi_bytes), sizeof openapi_bytes);\n")
        out.write("    return text;\n}\n\n}  // namespace sign::signd\n")


if __name__ == "__main__":
    main()
