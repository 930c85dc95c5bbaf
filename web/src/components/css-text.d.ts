/** A stylesheet imported `with { type: 'text' }`: esbuild bundles its text (see uplot-chart.ts). */
declare module '*.min.css' {
  const text: string;
  export default text;
}
