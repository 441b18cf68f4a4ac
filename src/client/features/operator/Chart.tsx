import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** One label per bar (a day: "3/11"), shown on the x axis. */
  labels: string[];
  values: number[];
  /** How a value reads on the y axis and in the legend (thousands separators, ¥). */
  format: (v: number) => string;
  /** What the chart says to a screen reader (its canvas says nothing). */
  summary: string;

  height?: number;
}

const css = (name: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

/**
 * A daily bar chart drawn by uPlot, full width of its card: it follows the card's width
 * (ResizeObserver) and the light or dark palette (the CSS variables, re-read when the scheme
 * changes). This module — and uPlot with it — loads only with the figures screen.
 */
export default function Chart({ labels, values, format, summary, height = 150 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    let plot: uPlot | null = null;
    const draw = () => {
      plot?.destroy();
      const brand = css('--brand');
      const muted = css('--muted');
      const line = css('--line');
      const axis = {
        stroke: muted,
        grid: { stroke: line, width: 1 },
        ticks: { show: false },
        font: '12px system-ui, sans-serif',
      };
      const top = Math.max(1, Math.ceil(Math.max(0, ...values) * 1.1));
      plot = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height,
          legend: { show: false },
          cursor: { drag: { x: false, y: false }, points: { show: false } },
          scales: {
            x: { time: false, range: [-0.6, labels.length - 0.4] },
            y: { range: [0, top] },
          },
          axes: [
            {
              ...axis,
              grid: { show: false },
              // Labelled back from the last day (today), a week apart from a month on.
              splits: () => {
                const n = labels.length;
                const step = n <= 8 ? 1 : n <= 35 ? 7 : 14;
                const out: number[] = [];
                for (let i = n - 1; i >= 0; i -= step) out.unshift(i);
                return out;
              },
              values: (_u, splits) => splits.map((i) => labels[Math.round(i)] ?? ''),
            },
            {
              ...axis,
              size: 56,
              space: 30,
              // Whole steps of the unit only (1, 2, 5, 10 …; money is plotted in yuan).
              incrs: Array.from({ length: 12 }, (_, i) => [1, 2, 5].map((m) => m * 10 ** i)).flat(),
              values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? format(v) : '')),
            },
          ],
          series: [
            {},
            {
              label: summary,
              stroke: brand,
              fill: `${brand}cc`,
              width: 0,
              paths: uPlot.paths.bars!({ size: [0.7, 18], gap: 1 }),
              points: { show: false },
            },
          ],
        },
        [labels.map((_, i) => i), values],
        el,
      );
    };
    draw();
    const ro = new ResizeObserver(() => {
      if (plot && Math.abs(plot.width - el.clientWidth) > 1) {
        plot.setSize({ width: Math.max(200, el.clientWidth), height });
      }
    });
    ro.observe(el);
    dark.addEventListener('change', draw);
    return () => {
      ro.disconnect();
      dark.removeEventListener('change', draw);
      plot?.destroy();
    };
  }, [labels, values, format, summary, height]);
  return <div ref={box} className="op-chart" role="img" aria-label={summary} />;
}
