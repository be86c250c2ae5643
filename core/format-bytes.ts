/**
 * A size in bytes for people, the same wherever retrace prints one (`retrace package`,
 * `retrace deps`, the packaging progress, the JupyterLab panels), so one archive's size
 * reads the same in the terminal and in the browser. Pure.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `2.0 KiB`, `12.0 MiB`; `?` for a size not known. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
