// Compiled by tests/client/typescript.sh (`tsc --noEmit --strict`) against the types
// that generate.mjs makes from lotgate's OpenAPI document: a Blob goes into every file
// part of a form and comes out of a photo download, and a webhook delivery is typed by
// its event, all without a cast.
import type { paths, webhooks } from "./lotgate";

// `never` (and so a compile error below) when the operation has no such body.
type Form<P extends keyof paths> = paths[P]["post"] extends {
  requestBody?: { content: { "multipart/form-data": infer B } };
}
  ? B
  : never;

declare const picture: Blob;
declare const csv: Blob;

export const goldenPhoto: Form<"/api/v1/golden-samples/{golden_sample_id}/revisions/{revision}/photos"> =
  { photo: picture, view: "front" };
export const defectPhoto: Form<"/api/v1/inspections/{inspection_id}/units/{unit}/attributes/{characteristic_id}/photos"> =
  { photo: picture };
export const defectPhotoWithView: Form<"/api/v1/inspections/{inspection_id}/units/{unit}/attributes/{characteristic_id}/photos"> =
  { photo: picture, view: "top" };
export const csvImport: Form<"/api/v1/lots/{lot_id}/inspections/import"> = { file: csv };

declare const download: paths["/api/v1/photos/{photo_id}"]["get"]["responses"][200]["content"]["application/octet-stream"];
export const downloaded: Blob = download;

type Delivery<E extends keyof webhooks> = webhooks[E]["post"] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;

export function onDecided(event: Delivery<"lot.decided">): string {
  const type: "lot.decided" = event.type;
  return `${type} ${event.id}: lot ${event.data.lot_id} ${event.data.verdict}`;
}

export function onNcr(event: Delivery<"ncr.opened">): number {
  return event.data.quantity_nonconforming;
}
