import { barChart, lineChart, niceTicks, reliabilityDiagram } from './svg-charts';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 3.2)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 0.07)).toEqual([0, 0.02, 0.04, 0.06]);
    expect(niceTicks(1, 12, 8)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe('lineChart', () => {
  it('draws one polyline per series with a tooltip per point, and escapes labels', () => {
    const svg = lineChart({
      title: 'Loss <per> epoch',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        {
          name: 'train',
          color: '#00f',
          points: [
            { x: 1, y: 2 },
            { x: 2, y: 1 },
          ],
        },
        {
          name: 'validation & co',
          color: '#f00',
          dashed: true,
          points: [
            { x: 1, y: 2.5 },
            { x: 2, y: 1.5 },
          ],
        },
      ],
      marker: { x: 2, y: 1, label: 'best' },
    });
    expect(count(svg, '<polyline')).toBe(2);
    expect(count(svg, '<circle')).toBe(5); // four points and the marker
    expect(svg).toContain('Loss &lt;per&gt; epoch');
    expect(svg).toContain('validation &amp; co');
    expect(svg).not.toContain('NaN');
  });
});

describe('barChart', () => {
  it('draws a track and a bar per row, clamped to the axis, with the full text in the tooltip', () => {
    const svg = barChart({
      title: 'bars',
      width: 500,
      labelWidth: 100,
      bars: [
        {
          label: 'a very long chapter description that will not fit',
          value: 0.5,
          valueLabel: '50%',
          tooltip: 'full',
        },
        { label: 'over', value: 1.7, valueLabel: '170%', tooltip: 'clamped' },
      ],
    });
    expect(count(svg, '<rect')).toBe(4);
    expect(count(svg, '<title>')).toBe(3); // the chart's and one per bar
    expect(svg).toContain('a very long chapter description tha…');
    // A full track is 500 − 100 − 110 = 290 wide: two tracks, the clamped bar, and a half bar.
    expect(count(svg, 'width="290"')).toBe(3);
    expect(svg).toContain('width="145"');
  });
});

describe('reliabilityDiagram', () => {
  it('draws only the bins that hold predictions', () => {
    const empty = { count: 0, confidence: 0, accuracy: 0 };
    const svg = reliabilityDiagram({
      ece: 0.125,
      bins: [
        { lower: 0, upper: 0.5, ...empty },
        { lower: 0.5, upper: 1, count: 4, confidence: 0.75, accuracy: 0.5 },
      ],
    });
    expect(count(svg, '<g>')).toBe(1);
    expect(svg).toContain('ECE 12.5%');
    expect(svg).toContain('4 predictions, mean confidence 75.0%, accuracy 50.0%');
  });
});
