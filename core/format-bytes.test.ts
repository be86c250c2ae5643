import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes';

describe('a size in bytes', () => {
  it('is in bytes below a KiB, else in binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(10)).toBe('10 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(5 * 1024 * 1024 + 1)).toBe('5.0 MiB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12.0 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048.0 TiB');
  });

  it('is a question mark when not known', () => {
    expect(formatBytes(null)).toBe('?');
  });
});
