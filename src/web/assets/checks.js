// What a typed value means against a characteristic of the inspection order: the
// number it is, whether it is outside the specification limits, and whether it is so
// far off that it is more likely a typing or gauge error than a bad part.

/** The number typed (a decimal comma is read as a point); NaN when it is not one. */
export function parseValue(text) {
  const t = String(text ?? "").trim().replace(",", ".");
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

/** "below LSL 2.3", "above USL 2.5" or null when within the limits (or none apply). */
export function outsideLimits(value, c) {
  if (!Number.isFinite(value)) return null;
  if (c.lower_limit != null && value < c.lower_limit) return `below LSL ${c.lower_limit}`;
  if (c.upper_limit != null && value > c.upper_limit) return `above USL ${c.upper_limit}`;
  return null;
}

// Units of quantities that cannot be negative.
const NEVER_NEGATIVE = new Set(["g", "kg", "mg", "t", "lb", "oz", "mm", "cm", "m", "µm", "um", "in", "mil"]);

/**
 * Why the value needs a second look before it is kept, or null: a negative weight or
 * length, or more than 10 tolerance widths from the nominal (or from the middle of the
 * limits when there is no nominal). With one limit, its distance from the nominal is
 * the width.
 */
export function implausible(value, c) {
  if (!Number.isFinite(value)) return null;
  const unit = (c.unit_of_measure || "").trim();
  if (value < 0 && NEVER_NEGATIVE.has(unit)) return `a negative value in ${unit}`;
  const lo = c.lower_limit, hi = c.upper_limit;
  const centre = c.nominal != null ? c.nominal : lo != null && hi != null ? (lo + hi) / 2 : null;
  let width = null;
  if (lo != null && hi != null) width = hi - lo;
  else if (centre != null && (lo != null || hi != null)) width = Math.abs(centre - (lo ?? hi));
  if (centre == null || !(width > 0)) return null;
  const widths = Math.abs(value - centre) / width;
  if (widths > 10) return `${Math.round(widths)} tolerance widths from ${c.nominal != null ? "nominal" : "the middle of the limits"}`;
  return null;
}

/** The limits as a line: "LSL 2.3 · nominal 2.4 · USL 2.5 g". */
export function limitsText(c) {
  const parts = [];
  if (c.lower_limit != null) parts.push(`LSL ${c.lower_limit}`);
  if (c.nominal != null) parts.push(`nominal ${c.nominal}`);
  if (c.upper_limit != null) parts.push(`USL ${c.upper_limit}`);
  if (c.reference_value != null) parts.push(`golden sample ${c.reference_value}`);
  const unit = c.unit_of_measure ? ` ${c.unit_of_measure}` : "";
  return parts.length ? parts.join(" · ") + unit : "no limits";
}
