"""Reads openapi-python-client's output and the generated package: fails when the
generator dropped an operation, a response or a schema, or left any warning other than
the one this document accepts (the `text/csv` body of import_inspection_csv, which the
generator cannot type; the form body of the same operation is generated).

    python generator_warnings.py generate.log openapi.json path/to/lotgate_client
"""

import json
import pathlib
import re
import sys

# Warnings that drop nothing a client needs, each with its reason.
ACCEPTED = [
    (re.compile(r"WARNING parsing POST /api/v1/lots/\{lot_id\}/inspections/import\b.*"
                r"\n\s*\nUnsupported content type text/csv\n", re.S),
     "import_inspection_csv: the text/csv body; the multipart/form-data body is generated"),
]


def main(log_path, document_path, package):
    log = pathlib.Path(log_path).read_text()
    problems = []
    # Each warning is a block that starts with "WARNING" and runs to the next one.
    blocks = re.split(r"(?m)^(?=WARNING )", log)
    for block in blocks[1:]:
        if any(pattern.match(block) for pattern, _ in ACCEPTED):
            continue
        problems.append(block.strip().splitlines()[0] + " | " + " ".join(block.split()[:40]))
    for marker in ("Unable to process schema", "Failure to process schema",
                   "will not be generated", "will be omitted"):
        if marker in log and not any(marker in p for p in problems):
            problems.append(f"generator output says: {marker}")

    document = json.loads(pathlib.Path(document_path).read_text())
    operations = [op["operationId"] for item in document["paths"].values()
                  for method, op in item.items() if isinstance(op, dict) and "operationId" in op]
    generated = {p.stem for p in pathlib.Path(package, "api").rglob("*.py")}
    missing = sorted(set(operations) - generated)
    if missing:
        problems.append(f"operations missing from the generated client: {', '.join(missing)}")

    for pattern, reason in ACCEPTED:
        if pattern.search(log):
            print(f"accepted generator warning: {reason}")
    if problems:
        print("openapi-python-client dropped parts of the document:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        sys.exit(1)
    print(f"generated client: {len(operations)} of {len(operations)} operations")


if __name__ == "__main__":
    main(*sys.argv[1:])
