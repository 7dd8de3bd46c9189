// Generates TypeScript types from lotgate's OpenAPI document with openapi-typescript's
// Node API, typing binary values (`format: binary`: photo and CSV form parts, image
// downloads) as `Blob`, the `transform` the openapi-typescript documentation gives for
// file uploads (https://openapi-ts.dev/node, "Example: Blob types"). Without it,
// openapi-typescript 7 types every `type: string` schema as `string`.
//
//   node generate.mjs openapi.json lotgate.ts
import fs from "node:fs";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const [documentPath, outputPath] = process.argv.slice(2);
const document = JSON.parse(fs.readFileSync(documentPath, "utf8"));
const ast = await openapiTS(document, {
  transform(schemaObject) {
    if (schemaObject.format !== "binary") {
      return undefined;
    }
    const nullable = Array.isArray(schemaObject.type) && schemaObject.type.includes("null");
    return nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
  },
});
fs.writeFileSync(outputPath, astToString(ast));
