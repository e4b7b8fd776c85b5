// Public entry of the figures module: pure SVG charts and SVG → PNG rendering.
export type {
  ChartOptions,
  LineSeries,
  LineChartOptions,
  BarChartOptions,
  HeatMapOptions,
} from './charts.ts';
export { lineChart, barChart, heatMap } from './charts.ts';
export { niceTicks, escapeXml, PALETTE } from './axes.ts';
export type { PngOptions } from './png.ts';
export { svgToPng } from './png.ts';
