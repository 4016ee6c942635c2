import { describe, expect, it } from 'vitest';
import { columnWidths, divideLine, ratioReduce, roundHalfEven, wrapCell } from '../../../src/ml/summary/rich-table.ts';
import { formatCount, formatFixed2, readableSize } from '../../../src/ml/summary/rows.ts';

describe('rich algorithms (hand-computed from rich/_ratio.py, _wrap.py, text.py)', () => {
  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, 3.5, 3.25, 3.2].map(roundHalfEven)).toEqual([0, 2, 2, 4, 3, 3]);
  });
  it('ratio_reduce takes the excess away evenly', () => {
    expect(ratioReduce(16, [1, 1, 1, 1, 1], [22, 20, 14, 20, 10], [22, 20, 14, 20, 10])).toEqual([19, 17, 11, 16, 7]);
    expect(ratioReduce(3, [0, 1, 0], [5, 5, 5], [5, 5, 5])).toEqual([5, 2, 5]);
  });
  it('column widths shrink fixed columns to the table width, or expand them', () => {
    expect(columnWidths([20, 18, 12, 18, 8], 76)).toEqual([19, 17, 11, 16, 7]);
    expect(columnWidths([32, 28, 19, 29], 108)).toEqual([31, 27, 17, 28]);
    // Narrower than the table: ratio_distribute shares 100 - 3 borders - (5 + 7) = 85 by 5:7,
    // ceil(5 · 85 / 12) = 36 first, the remaining 49 to the last.
    expect(columnWidths([3, 5], 100)).toEqual([5 + 36, 7 + 49]);
  });
  it('divides lines at word starts; a too-long word gets its own line', () => {
    expect(divideLine('(None, 7, 7, 320)', 15)).toEqual([13]);
    expect(divideLine('block_16_project_BN (BatchNormalization)', 17)).toEqual([20]);
    expect(divideLine('a verylongwordhere b', 5)).toEqual([2, 19]);
  });
  it('wraps, cuts with an ellipsis and justifies each line', () => {
    expect(wrapCell('block_16_project_BN (BatchNormalization)', 17, 'left')).toEqual(['block_16_project…', '(BatchNormalizat…']);
    expect(wrapCell('Trainable', 5, 'center')).toEqual(['Trai…']);
    expect(wrapCell('Y', 5, 'center')).toEqual(['  Y  ']);
    expect(wrapCell('1,280', 9, 'right')).toEqual(['    1,280']);
    expect(wrapCell('a, b', 10, 'left')).toEqual(['a, b      ']);
  });
  it('formats numbers and sizes like Python/Keras', () => {
    expect(formatCount(2257984)).toBe('2,257,984');
    expect(formatCount(0)).toBe('0');
    expect(formatFixed2(0.125)).toBe('0.12'); // exact half: to even (JS toFixed gives 0.13)
    expect(formatFixed2(0.375)).toBe('0.38');
    expect(readableSize(4 * 2257984)).toBe('8.61 MB');
    expect(readableSize(4 * 34112)).toBe('133.25 KB');
    expect(readableSize(0)).toBe('0.00 B');
    expect(readableSize(1023)).toBe('1023.00 B');
  });
});
