/** The Vega-Lite specification of a 2-D embedding: components 1 and 2 of each point, coloured by label. */

/** Y: m × r projections (r ≥ 2); labels: one per point, or none. */
export function embeddingSpec(
  Y: Float64Array,
  m: number,
  r: number,
  labels: string[] | undefined,
  title: string,
): Record<string, unknown> {
  const values = Array.from({ length: m }, (_, b) => ({
    pc1: Y[b * r],
    pc2: Y[b * r + 1],
    ...(labels ? { label: labels[b] } : {}),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 480,
    data: { values },
    mark: { type: 'point', filled: true, size: 18, opacity: 0.7 },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: 'component 1' },
      y: { field: 'pc2', type: 'quantitative', title: 'component 2' },
      ...(labels
        ? { color: { field: 'label', type: 'nominal', title: 'label', scale: { scheme: 'category10' } } }
        : {}),
    },
  };
}
