import { describe, expect, it } from 'vitest';
import { expandHome, filterEnvironment, isSecretEnvName, KERNEL_CONNECTION_REASON, JUPYTER_RUNTIME_REASON, SecretRules } from './secrets';

const home = '/home/a';
const rules = new SecretRules({ home });

function ruleFor(path: string, r: SecretRules = rules): string | null {
  const c = r.classifySecret(path);
  return c.secret ? c.rule : null;
}

describe('default secret rules', () => {
  it.each([
    ['/home/a/.local/share/jupyter/runtime/kernel-1a2b.json', KERNEL_CONNECTION_REASON],
    ['/tmp/kernel-1a2b.json', KERNEL_CONNECTION_REASON],
    ['/home/a/.local/share/jupyter/runtime/jpserver-42.json', JUPYTER_RUNTIME_REASON],
    ['/home/a/.local/share/jupyter/runtime/jpserver-42-open.html', JUPYTER_RUNTIME_REASON],
    ['/home/a/.ssh/id_rsa', 'SSH keys (~/.ssh)'],
    ['/home/a/.ssh/config', 'SSH keys (~/.ssh)'],
    ['/home/a/.ssh/known_hosts', 'SSH keys (~/.ssh)'],
    ['/home/a/.netrc', 'login credentials (~/.netrc)'],
    ['/home/a/.git-credentials', 'Git credentials (~/.git-credentials)'],
    ['/home/a/.aws/credentials', 'AWS credentials (~/.aws)'],
    ['/home/a/.aws/config', 'AWS credentials (~/.aws)'],
    ['/home/a/.config/gcloud/application_default_credentials.json', 'Google Cloud credentials (~/.config/gcloud)'],
    ['/home/a/.config/gcloud/configurations/config_default', 'Google Cloud credentials (~/.config/gcloud)'],
    ['/home/a/.azure/accessTokens.json', 'Azure credentials (~/.azure)'],
    ['/home/a/.kube/config', 'Kubernetes credentials (~/.kube)'],
    ['/home/a/work/.env', 'environment file (.env)'],
    ['/srv/app/.env', 'environment file (.env)'],
    ['/home/a/work/.env.local', 'environment file (.env.*)'],
    ['/home/a/work/.env.production', 'environment file (.env.*)'],
    ['/home/a/.pypirc', 'PyPI credentials (~/.pypirc)'],
    ['/home/a/.docker/config.json', 'Docker registry credentials (~/.docker/config.json)'],
    ['/home/a/.jupyter/jupyter_server_token', 'Jupyter token (~/.jupyter)'],
    ['/home/a/.jupyter/token.txt', 'Jupyter token (~/.jupyter)'],
    ['/etc/ssl/private/server.pem', 'private key or certificate (*.pem)'],
    ['/home/a/work/tls.key', 'private key (*.key)'],
    ['/home/a/keys/id_rsa', 'SSH private key (id_rsa)'],
    ['/home/a/keys/id_rsa.pub', 'SSH private key (id_rsa)'],
    ['/mnt/backup/id_ed25519', 'SSH private key (id_ed25519)'],
    ['/mnt/backup/id_ecdsa', 'SSH private key (id_ecdsa)']
  ])('%s is secret: %s', (path, reason) => {
    expect(ruleFor(path)).toBe(reason);
  });

  it.each([
    '/home/a/work/.envrc',
    '/home/a/work/config.env',
    '/home/a/work/environment.yml',
    '/home/a/work/data.csv',
    '/home/a/work/analysis.ipynb',
    '/home/a/work/kernel.json',
    '/usr/share/jupyter/kernels/python3/kernel.json',
    '/home/a/work/kernel-notes.txt',
    '/home/a/.local/share/jupyter/nbextensions/x.js',
    '/home/a/.local/share/jupyter/runtimeX/kernel.txt',
    '/home/a/.sshrc',
    '/home/b/.ssh/known_hosts',
    '/home/b/.netrc',
    '/home/a/work/.netrc.example',
    '/home/a/.config/gcloudx',
    '/home/a/.docker/daemon.json',
    '/home/a/.jupyter/jupyter_notebook_config.py',
    '/home/a/work/keys.txt',
    '/home/a/work/monkey',
    '/home/a/work/id_rs',
    '/usr/lib/python3.11/site-packages/numpy/__init__.py',
    '/usr/bin/python3.11'
  ])('%s is not secret', path => {
    expect(rules.classifySecret(path)).toEqual({ secret: false });
  });

  it('sees through .. and doubled slashes', () => {
    expect(ruleFor('/home/a/work/../.ssh/id_rsa')).toBe('SSH keys (~/.ssh)');
    expect(ruleFor('/home/a//.aws/./credentials')).toBe('AWS credentials (~/.aws)');
  });

  it('follows the given home folder, with or without a trailing slash', () => {
    const other = new SecretRules({ home: '/users/z/' });
    expect(ruleFor('/users/z/.netrc', other)).toBe('login credentials (~/.netrc)');
    expect(ruleFor('/home/a/.netrc', other)).toBeNull();
  });

  it('adds a custom Jupyter runtime folder', () => {
    const r = new SecretRules({ home, jupyterRuntimeDir: '/run/user/1000/jupyter' });
    expect(ruleFor('/run/user/1000/jupyter/jpserver-7.json', r)).toBe(JUPYTER_RUNTIME_REASON);
    expect(ruleFor('/run/user/1000/other.json', r)).toBeNull();
    expect(ruleFor('/home/a/.local/share/jupyter/runtime/x', r)).toBe(JUPYTER_RUNTIME_REASON);
    const tilde = new SecretRules({ home, jupyterRuntimeDir: '~/rt' });
    expect(ruleFor('/home/a/rt/x', tilde)).toBe(JUPYTER_RUNTIME_REASON);
  });

  it('lists its rules, defaults first, with ~ expanded', () => {
    const r = new SecretRules({ home, extraDenied: ['*.sqlite'] });
    expect(r.rules[0]).toMatchObject({ pattern: 'kernel-*.json', source: 'default' });
    expect(r.rules.find(x => x.reason === 'SSH keys (~/.ssh)')?.pattern).toBe('/home/a/.ssh/**');
    expect(r.rules[r.rules.length - 1]).toMatchObject({ pattern: '*.sqlite', source: 'settings' });
  });
});

describe('user settings', () => {
  it('extends the deny list with base names, anchored and relative patterns', () => {
    const r = new SecretRules({ home, extraDenied: ['*.sqlite', '~/private/**', '/srv/vault/*', 'conf/secret.yml', '  '] });
    expect(ruleFor('/data/x.sqlite', r)).toBe('denied in settings (*.sqlite)');
    expect(ruleFor('/home/a/private/notes/a.txt', r)).toBe('denied in settings (~/private/**)');
    expect(ruleFor('/srv/vault/token', r)).toBe('denied in settings (/srv/vault/*)');
    expect(ruleFor('/srv/vault/deep/token', r)).toBeNull();
    expect(ruleFor('/home/a/work/conf/secret.yml', r)).toBe('denied in settings (conf/secret.yml)');
    expect(ruleFor('/home/a/work/conf/other.yml', r)).toBeNull();
  });

  it('lets an explicitly allowed path win over the deny rules', () => {
    const r = new SecretRules({ home, allowed: ['~/.ssh/config', '/home/a/work/.env', '/certs/*.pem'] });
    expect(r.classifySecret('/home/a/.ssh/config')).toEqual({ secret: false });
    expect(ruleFor('/home/a/.ssh/id_rsa', r)).toBe('SSH keys (~/.ssh)');
    expect(r.classifySecret('/home/a/work/.env')).toEqual({ secret: false });
    expect(ruleFor('/home/a/other/.env', r)).toBe('environment file (.env)');
    expect(r.classifySecret('/certs/ca.pem')).toEqual({ secret: false });
    expect(r.isAllowed('/home/a/work/../work/.env')).toBe(true);
  });

  it('lets an allowed path win over the user deny list too', () => {
    const r = new SecretRules({ home, extraDenied: ['*.csv'], allowed: ['/d/ok.csv'] });
    expect(r.classifySecret('/d/ok.csv')).toEqual({ secret: false });
    expect(ruleFor('/d/no.csv', r)).toBe('denied in settings (*.csv)');
  });

  it('does not let a bare base name opt in every file of that name', () => {
    const r = new SecretRules({ home, allowed: ['.env'] });
    expect(ruleFor('/home/a/work/.env', r)).toBe('environment file (.env)');
  });
});

describe('expandHome', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~', '/home/a/')).toBe('/home/a');
    expect(expandHome('~/.ssh', '/home/a')).toBe('/home/a/.ssh');
    expect(expandHome('~bob/.ssh', '/home/a')).toBe('~bob/.ssh');
    expect(expandHome('/x/~/y', '/home/a')).toBe('/x/~/y');
    expect(expandHome('~/.ssh', '/')).toBe('/.ssh');
  });
});

describe('isSecretEnvName', () => {
  it.each([
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'JPY_API_TOKEN',
    'JUPYTERHUB_API_TOKEN',
    'JUPYTER_TOKEN',
    'HF_TOKEN',
    'my_token',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'OPENAI_API_KEY',
    'openai_api_key',
    'STRIPE_APIKEY',
    'DJANGO_SECRET_KEY',
    'CLIENT_SECRET',
    'DB_PASSWORD',
    'PGPASSWORD',
    'MYSQL_PWD',
    'SMTP_PASSWD',
    'REDIS_PASS',
    'GPG_PASSPHRASE',
    'SIGNING_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'AZURE_CREDENTIAL',
    'SSH_PRIVATE_KEY'
  ])('%s is secret', name => {
    expect(isSecretEnvName(name)).toBe(true);
  });

  it.each([
    'KEYBOARD',
    'KEYMAP',
    'XDG_RUNTIME_DIR',
    'XDG_SESSION_ID',
    'PATH',
    'HOME',
    'LANG',
    'LC_ALL',
    'PWD',
    'OLDPWD',
    'SHELL',
    'PYTHONPATH',
    'VIRTUAL_ENV',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'JPY_PARENT_PID',
    'JUPYTER_RUNTIME_DIR',
    'MPLBACKEND',
    'KEY_COUNT_LIMIT',
    'MONKEY',
    'OMP_NUM_THREADS'
  ])('%s is not secret', name => {
    expect(isSecretEnvName(name)).toBe(false);
  });
});

describe('filterEnvironment', () => {
  it('keeps harmless variables, removes secret ones by name, sorted', () => {
    const { kept, removed } = filterEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/a',
      GITHUB_TOKEN: 'ghp_x',
      AWS_SECRET_ACCESS_KEY: 'abc',
      LANG: 'C.UTF-8',
      UNSET: undefined
    });
    expect(kept).toEqual({ HOME: '/home/a', LANG: 'C.UTF-8', PATH: '/usr/bin' });
    expect(removed).toEqual(['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN']);
    expect(JSON.stringify(kept)).not.toContain('ghp_x');
  });

  it('applies extra denied names and allowed names (globs, case-insensitive)', () => {
    const { kept, removed } = filterEnvironment(
      { ACME_URL: 'u', ACME_ID: 'i', OTHER: 'o', HF_TOKEN: 't', DB_PASSWORD: 'p' },
      { extraDenied: ['acme_*'], allowed: ['HF_TOKEN', ' '] }
    );
    expect(kept).toEqual({ HF_TOKEN: 't', OTHER: 'o' });
    expect(removed).toEqual(['ACME_ID', 'ACME_URL', 'DB_PASSWORD']);
  });

  it('treats regular-expression characters in name patterns literally', () => {
    const { removed } = filterEnvironment({ 'A.B': '1', AXB: '2' }, { extraDenied: ['A.B'] });
    expect(removed).toEqual(['A.B']);
  });
});
