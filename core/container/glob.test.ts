import { describe, expect, it } from 'vitest';
import { baseName, compileGlob, globToRegExp, hasGlobSyntax, matchGlob, normalizePosixPath } from './glob';

describe('normalizePosixPath', () => {
  it.each([
    ['/a//b/./c/', '/a/b/c'],
    ['/a/b/../c', '/a/c'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['a/../../b', '../b'],
    ['./a', 'a'],
    ['', '.'],
    ['/', '/']
  ])('%s → %s', (input, want) => {
    expect(normalizePosixPath(input)).toBe(want);
  });
});

describe('baseName', () => {
  it('takes the last segment', () => {
    expect(baseName('/a/b.txt')).toBe('b.txt');
    expect(baseName('/a/b/')).toBe('b');
    expect(baseName('b')).toBe('b');
    expect(baseName('/')).toBe('');
  });
});

describe('matchGlob', () => {
  it('matches base names anywhere when the pattern has no slash', () => {
    expect(matchGlob('kernel-*.json', '/run/user/1000/jupyter/kernel-abc.json')).toBe(true);
    expect(matchGlob('kernel-*.json', 'kernel-1.json')).toBe(true);
    expect(matchGlob('kernel-*.json', '/tmp/kernel-1.json.bak')).toBe(false);
    expect(matchGlob('kernel-*.json', '/tmp/kernel-1/x.json')).toBe(false);
  });

  it('lets * match dots and empty runs but not slashes', () => {
    expect(matchGlob('*.pem', '/a/.pem')).toBe(true);
    expect(matchGlob('/a/*', '/a/.hidden')).toBe(true);
    expect(matchGlob('/a/*', '/a/b/c')).toBe(false);
    expect(matchGlob('/a/*x', '/a/x')).toBe(true);
  });

  it('lets ? match exactly one character other than /', () => {
    expect(matchGlob('/a/?.txt', '/a/b.txt')).toBe(true);
    expect(matchGlob('/a/?.txt', '/a/.txt')).toBe(false);
    expect(matchGlob('/a/?.txt', '/a/bc.txt')).toBe(false);
    expect(matchGlob('/a?b', '/a/b')).toBe(false);
  });

  it('lets a trailing ** match the folder itself and everything beneath', () => {
    expect(matchGlob('/h/.ssh/**', '/h/.ssh')).toBe(true);
    expect(matchGlob('/h/.ssh/**', '/h/.ssh/id_rsa')).toBe(true);
    expect(matchGlob('/h/.ssh/**', '/h/.ssh/a/b/c')).toBe(true);
    expect(matchGlob('/h/.ssh/**', '/h/.sshx/id')).toBe(false);
    expect(matchGlob('/h/.ssh/**', '/h')).toBe(false);
  });

  it('lets a middle ** match zero or more segments', () => {
    expect(matchGlob('/a/**/b', '/a/b')).toBe(true);
    expect(matchGlob('/a/**/b', '/a/x/y/b')).toBe(true);
    expect(matchGlob('/a/**/b', '/a/xb')).toBe(false);
    expect(matchGlob('/a/**/**/b', '/a/b')).toBe(true);
  });

  it('lets a leading ** match at any depth', () => {
    expect(matchGlob('**/secret/x', 'secret/x')).toBe(true);
    expect(matchGlob('**/secret/x', '/p/q/secret/x')).toBe(true);
    expect(matchGlob('**/secret/x', '/p/notsecret/x')).toBe(false);
    expect(matchGlob('/**/x', '/x')).toBe(true);
    expect(matchGlob('/**/x', '/a/b/x')).toBe(true);
  });

  it('treats ** inside a segment like *', () => {
    expect(matchGlob('/a/b**c', '/a/bxxc')).toBe(true);
    expect(matchGlob('/a/b**c', '/a/b/c')).toBe(false);
  });

  it('matches a lone ** against anything', () => {
    expect(matchGlob('**', '/a/b')).toBe(true);
    expect(matchGlob('/**', '/a/b')).toBe(true);
  });

  it('matches regular-expression characters literally', () => {
    expect(matchGlob('/a/b+c(1).[x]', '/a/b+c(1).[x]')).toBe(true);
    expect(matchGlob('/a/b.c', '/a/bxc')).toBe(false);
    expect(matchGlob('/a/$^|{}', '/a/$^|{}')).toBe(true);
  });

  it('normalises paths before matching, so .. cannot dodge a rule', () => {
    expect(matchGlob('/h/.ssh/**', '/h/work/../.ssh/id_rsa')).toBe(true);
    expect(matchGlob('/h/.ssh/**', '/h//.ssh/./config')).toBe(true);
    expect(matchGlob('/h/.netrc', '/h/.netrc/')).toBe(true);
  });

  it('is anchored at both ends', () => {
    expect(matchGlob('/a/b', '/x/a/b')).toBe(false);
    expect(matchGlob('/a/b', '/a/b/c')).toBe(false);
    expect(globToRegExp('/a/b').test('/a/b')).toBe(true);
  });

  it('compiles once and keeps the pattern', () => {
    const m = compileGlob('*.key');
    expect(m.pattern).toBe('*.key');
    expect(m.test('/a/server.key')).toBe(true);
    expect(m.test('/a/server.keys')).toBe(false);
  });
});

describe('hasGlobSyntax', () => {
  it('spots * and ?', () => {
    expect(hasGlobSyntax('/a/*.x')).toBe(true);
    expect(hasGlobSyntax('/a/?')).toBe(true);
    expect(hasGlobSyntax('/a/b')).toBe(false);
  });
});
