/**
 * A small glob matcher for `/`-separated POSIX paths, enough for the container's
 * secret rules and user settings:
 *
 * - `*` matches any run of characters within one segment (dots included, so `*`
 *   matches dotfiles: for secret rules, erring towards a match is the safe side);
 * - `?` matches exactly one character other than `/`;
 * - `**` as a whole segment matches zero or more whole segments, so `a/**` matches
 *   `a` itself and everything beneath it, and `**\/b` matches `b` at any depth (relative and absolute paths alike);
 *   `**` inside a segment (`a**b`) behaves like `*`;
 * - every other character matches itself (no classes, braces or escapes).
 *
 * A pattern without `/` is matched against the path's last segment (its base name),
 * like `.gitignore`; a pattern with `/` is matched against the whole path.
 * Paths and patterns are normalised first (`//`, `.` and `..` folded).
 */

/** Fold `//`, `.` and `..` in a POSIX path; keeps it absolute or relative as given. */
export function normalizePosixPath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') {
        out.pop();
      } else if (!absolute) {
        out.push('..');
      }
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  if (absolute) {
    return '/' + joined;
  }
  return joined === '' ? '.' : joined;
}

/** The last segment of a path (`/a/b.txt` → `b.txt`; `/` → ``). */
export function baseName(path: string): string {
  const normal = normalizePosixPath(path);
  const at = normal.lastIndexOf('/');
  return at < 0 ? normal : normal.slice(at + 1);
}

/** Whether a string uses any glob syntax (`*` or `?`). */
export function hasGlobSyntax(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function segmentSource(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (ch === '*') {
      if (!out.endsWith('[^/]*')) {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else {
      out += escapeRegExp(ch);
    }
  }
  return out;
}

/**
 * The regular expression for a glob, anchored at both ends. A pattern without `/`
 * gives a base-name expression; use {@link matchGlob} to get that applied.
 */
export function globToRegExp(pattern: string): RegExp {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter(s => s !== '' && s !== '.');
  // Collapse runs of `**` (they mean the same as one).
  const parts: string[] = [];
  for (const s of segments) {
    if (!(s === '**' && parts[parts.length - 1] === '**')) {
      parts.push(s);
    }
  }
  let source = '';
  // `prefix` is what must separate the next concrete segment from what came before.
  let prefix = absolute ? '/' : '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (part === '**') {
      if (last) {
        // `a/**`: `a` itself or anything beneath; a lone `**`: anything.
        source += i === 0 ? (absolute ? '/.*' : '.*') : '(?:/.*)?';
        prefix = '';
      } else {
        // `a/**/b`: zero or more segments between; `**/b`: any depth.
        source += i === 0 ? (absolute ? '/(?:[^/]+/)*' : '/?(?:[^/]+/)*') : '/(?:[^/]+/)*';
        prefix = '';
      }
      continue;
    }
    source += prefix + segmentSource(part);
    prefix = '/';
  }
  if (parts.length === 0) {
    source = absolute ? '/' : '';
  }
  return new RegExp('^' + source + '$');
}

/** A compiled glob: test paths against it many times. */
export interface GlobMatcher {
  readonly pattern: string;
  test(path: string): boolean;
}

/** Compile a glob (see the module comment for its syntax). */
export function compileGlob(pattern: string): GlobMatcher {
  const basenameOnly = !pattern.includes('/');
  const re = globToRegExp(basenameOnly ? pattern : normalizePosixPath(pattern));
  return {
    pattern,
    test(path: string): boolean {
      const subject = basenameOnly ? baseName(path) : normalizePosixPath(path);
      return re.test(subject);
    }
  };
}

/** Whether `path` matches `pattern`. */
export function matchGlob(pattern: string, path: string): boolean {
  return compileGlob(pattern).test(path);
}
