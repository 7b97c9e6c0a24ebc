import QRCode from "qrcode";

/**
 * A QR code of `text` as an SVG element (drawn from the `qrcode` package's module matrix, error
 * correction L, 4-module quiet zone), or undefined when the text is too long for a QR code.
 */

const SVG = "http://www.w3.org/2000/svg";

/** The largest text, in bytes, this page puts in a QR code (version 40-L holds 2,953; phones read far less well). */
export const QR_MAX_BYTES = 2_000;

export function qrCode(text: string, label: string): SVGSVGElement | undefined {
  if (new TextEncoder().encode(text).length > QR_MAX_BYTES) return undefined;
  let qr: ReturnType<typeof QRCode.create>;
  try {
    qr = QRCode.create(text, { errorCorrectionLevel: "L" });
  } catch {
    return undefined;
  }
  const size = qr.modules.size;
  const quiet = 4;
  const d: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (qr.modules.get(x, y)) d.push(`M${x + quiet} ${y + quiet}h1v1h-1z`);
  }
  const svg = document.createElementNS(SVG, "svg");
  const total = size + 2 * quiet;
  svg.setAttribute("viewBox", `0 0 ${total} ${total}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "qr");
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", String(total));
  bg.setAttribute("height", String(total));
  bg.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d.join(""));
  path.setAttribute("fill", "#000");
  svg.append(bg, path);
  return svg;
}
