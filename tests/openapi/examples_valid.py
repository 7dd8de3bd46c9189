"""Every example of openapi/openapi.json (operations and webhooks) is valid against its own schema, checked by
Python's `jsonschema` (a validator independent of the code that writes the document).

    python3 tests/openapi/examples_valid.py openapi/openapi.json
"""

import json
import sys

from jsonschema import Draft202012Validator


def documented(doc):
    schemas = doc["components"]["schemas"]

    def example_of(media):
        if "example" in media:
            return media["example"]
        ref = media.get("schema", {}).get("$ref")
        return schemas.get(ref.rsplit("/", 1)[-1], {}).get("example") if ref else None

    # The operations of the API, and the requests lotgate itself sends (`webhooks`, whose
    # header parameters carry examples too).
    items = list(doc["paths"].items()) + list(doc.get("webhooks", {}).items())
    for path, item in items:
        for method, op in item.items():
            for param in op.get("parameters", []):
                if "example" in param and "schema" in param:
                    yield f"{op.get('operationId', path)} parameter {param['name']}", param["schema"], param["example"]
            bodies = []
            if "content" in op.get("requestBody", {}):
                bodies.append(("request", op["requestBody"]["content"]))
            for status, response in op["responses"].items():
                if "$ref" in response:
                    response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
                if "content" in response:
                    bodies.append((status, response["content"]))
            for where, content in bodies:
                for media, body in content.items():
                    if media.startswith("image/") or media == "application/octet-stream":
                        continue
                    yield f"{op.get('operationId', path)} {where} {media}", body.get("schema", {}), example_of(body)


def main(name):
    doc = json.load(open(name))
    invalid, checked = [], 0
    for at, schema, example in documented(doc):
        if example is None:
            continue
        root = {"allOf": [schema], "components": doc["components"]}
        errors = [f"{e.message} at {list(e.absolute_path)}" for e in Draft202012Validator(root).iter_errors(example)]
        if errors:
            invalid.append(f"{at}: {'; '.join(errors)}")
        checked += 1
    if invalid:
        print("examples their schema refuses:\n" + "\n".join(invalid))
        return 1
    assert checked >= 200, f"only {checked} examples checked"
    print(f"{checked} examples valid against their schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "openapi/openapi.json"))
