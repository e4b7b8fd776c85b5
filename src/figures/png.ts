// SVG → PNG rendering through @resvg/resvg-js (a prebuilt binding shipped in the npm package).
import { Resvg } from '@resvg/resvg-js';

/** Options for {@link svgToPng}. */
export interface PngOptions {
  /** Output width in pixels (height keeps the aspect ratio). @default the SVG's own width */
  width?: number;
}

/**
 * Renders an SVG string to PNG bytes with the system fonts (DejaVu/Liberation on Debian).
 * @example writeFileSync('chart.png', svgToPng(lineChart({ title: 't', series })));
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const r = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    ...(options.width === undefined ? {} : { fitTo: { mode: 'width' as const, value: options.width } }),
  });
  return r.render().asPng();
}
