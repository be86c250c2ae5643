/**
 * What must never go into a notebook container (design point 4): kernel connection
 * files and the Jupyter runtime folder, SSH keys, cloud and registry credentials,
 * `.env` files, private keys, and environment variables that look like tokens,
 * passwords or keys. The user can extend the deny list and opt explicit paths in;
 * an opted-in path wins over every deny rule.
 *
 * Pure rules: the packer asks {@link SecretRules.classifySecret} for each path the
 * audit saw and {@link filterEnvironment} for the recorded environment.
 */
import { compileGlob, normalizePosixPath, type GlobMatcher } from './glob';

/** One deny rule: a glob (already expanded, see the glob module) and why it is there. */
export interface SecretRule {
  /** The glob as written, with `~` expanded to the home folder. */
  pattern: string;
  /** Short human reason, shown to the user and written to the manifest's left_out. */
  reason: string;
  /** Where the rule comes from. */
  source: 'default' | 'settings';
}

export type SecretClassification = { secret: true; rule: string } | { secret: false };

/** User settings for the secret rules. */
export interface SecretSettings {
  /** Extra deny globs: `~/…` and `/…` are anchored; a pattern without `/` matches a base name anywhere; another relative pattern matches at any depth. */
  extraDenied?: string[];
  /** Paths (or globs) the user explicitly opted in; they win over every deny rule. */
  allowed?: string[];
}

export interface SecretRulesOptions extends SecretSettings {
  /** The home folder of the user who ran the audit, e.g. `/home/ada`. */
  home: string;
  /** The Jupyter runtime folder when it is not the default (`jupyter --runtime-dir`). */
  jupyterRuntimeDir?: string;
}

export const KERNEL_CONNECTION_REASON = "kernel connection file (holds the kernel's HMAC key)";
export const JUPYTER_RUNTIME_REASON = 'Jupyter runtime folder (connection files and server tokens)';

/** The default deny list, `~` standing for the home folder. */
export const DEFAULT_SECRET_PATTERNS: ReadonlyArray<{ pattern: string; reason: string }> = [
  { pattern: 'kernel-*.json', reason: KERNEL_CONNECTION_REASON },
  { pattern: '~/.local/share/jupyter/runtime/**', reason: JUPYTER_RUNTIME_REASON },
  { pattern: '~/.ssh/**', reason: 'SSH keys (~/.ssh)' },
  { pattern: '~/.netrc', reason: 'login credentials (~/.netrc)' },
  { pattern: '~/.git-credentials', reason: 'Git credentials (~/.git-credentials)' },
  { pattern: '~/.aws/**', reason: 'AWS credentials (~/.aws)' },
  { pattern: '~/.config/gcloud/**', reason: 'Google Cloud credentials (~/.config/gcloud)' },
  { pattern: '~/.azure/**', reason: 'Azure credentials (~/.azure)' },
  { pattern: '~/.kube/**', reason: 'Kubernetes credentials (~/.kube)' },
  { pattern: '.env', reason: 'environment file (.env)' },
  { pattern: '.env.*', reason: 'environment file (.env.*)' },
  { pattern: '~/.pypirc', reason: 'PyPI credentials (~/.pypirc)' },
  { pattern: '~/.docker/config.json', reason: 'Docker registry credentials (~/.docker/config.json)' },
  { pattern: '~/.jupyter/*token*', reason: 'Jupyter token (~/.jupyter)' },
  { pattern: '*.pem', reason: 'private key or certificate (*.pem)' },
  { pattern: '*.key', reason: 'private key (*.key)' },
  { pattern: 'id_rsa*', reason: 'SSH private key (id_rsa)' },
  { pattern: 'id_ed25519*', reason: 'SSH private key (id_ed25519)' },
  { pattern: 'id_ecdsa*', reason: 'SSH private key (id_ecdsa)' },
  { pattern: 'id_dsa*', reason: 'SSH private key (id_dsa)' }
];

/** Expand a leading `~` to `home`; leave anything else alone. */
export function expandHome(pattern: string, home: string): string {
  const h = normalizePosixPath(home);
  if (pattern === '~') {
    return h;
  }
  if (pattern.startsWith('~/')) {
    return (h === '/' ? '' : h) + pattern.slice(1);
  }
  return pattern;
}

/** Turn a user's deny pattern into a glob the matcher applies as documented. */
function userDenyGlob(pattern: string, home: string): string {
  const expanded = expandHome(pattern.trim(), home);
  if (expanded.startsWith('/') || !expanded.includes('/')) {
    return expanded;
  }
  return '**/' + expanded.replace(/^\.\//, '');
}

interface Compiled {
  rule: SecretRule;
  matcher: GlobMatcher;
}

/** The secret rules in force for one packing: defaults, the user's additions, the user's opt-ins. */
export class SecretRules {
  readonly home: string;
  private readonly deny: Compiled[];
  private readonly allow: GlobMatcher[];

  constructor(options: SecretRulesOptions) {
    this.home = normalizePosixPath(options.home);
    const rules: SecretRule[] = DEFAULT_SECRET_PATTERNS.map(d => ({
      pattern: expandHome(d.pattern, this.home),
      reason: d.reason,
      source: 'default' as const
    }));
    if (options.jupyterRuntimeDir) {
      const dir = normalizePosixPath(expandHome(options.jupyterRuntimeDir, this.home));
      rules.push({ pattern: (dir === '/' ? '' : dir) + '/**', reason: JUPYTER_RUNTIME_REASON, source: 'default' });
    }
    for (const raw of options.extraDenied ?? []) {
      if (raw.trim() === '') {
        continue;
      }
      rules.push({ pattern: userDenyGlob(raw, this.home), reason: `denied in settings (${raw.trim()})`, source: 'settings' });
    }
    this.deny = rules.map(rule => ({ rule, matcher: compileGlob(rule.pattern) }));
    this.allow = (options.allowed ?? [])
      .map(p => p.trim())
      .filter(p => p !== '')
      .map(p => compileGlob(normalizeAllowed(expandHome(p, this.home))));
  }

  /** Every deny rule, defaults first. */
  get rules(): readonly SecretRule[] {
    return this.deny.map(c => c.rule);
  }

  /** Whether the user explicitly opted this path in. */
  isAllowed(path: string): boolean {
    const p = normalizePosixPath(path);
    return this.allow.some(m => m.test(p));
  }

  /** Whether a path must stay out of the container, and which rule says so (the first that matches). */
  classifySecret(path: string): SecretClassification {
    const p = normalizePosixPath(path);
    if (this.isAllowed(p)) {
      return { secret: false };
    }
    for (const c of this.deny) {
      if (c.matcher.test(p)) {
        return { secret: true, rule: c.rule.reason };
      }
    }
    return { secret: false };
  }
}

/** An allowed entry names a path exactly; keep a bare base name from matching everywhere. */
function normalizeAllowed(entry: string): string {
  return entry.includes('/') ? entry : './' + entry;
}

// ---------------------------------------------------------------------------
// Environment variables

/** Names that are never secret, whatever the patterns below say. */
const HARMLESS_ENV_NAMES = new Set([
  'PATH',
  'HOME',
  'LANG',
  'LANGUAGE',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'OLDPWD',
  'TERM',
  'TZ',
  'KEYBOARD',
  'KEYMAP',
  'HOSTNAME',
  'PYTHONPATH',
  'VIRTUAL_ENV',
  'JUPYTER_RUNTIME_DIR',
  'JUPYTER_CONFIG_DIR',
  'JUPYTER_DATA_DIR',
  'SSH_AUTH_SOCK'
]);
const HARMLESS_ENV_PREFIXES = ['XDG_', 'LC_'];

/** Substrings and suffixes that mark a secret-bearing variable (upper case). */
const SECRET_ENV_SUBSTRINGS = [
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'API_KEY',
  'APIKEY',
  'ACCESS_KEY',
  'PRIVATE_KEY',
  'AUTH_KEY'
];
const SECRET_ENV_SUFFIXES = ['_KEY', '_PASS', '_PWD'];
const SECRET_ENV_EXACT = new Set([
  'KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'JPY_API_TOKEN',
  'JUPYTERHUB_API_TOKEN',
  'JUPYTER_TOKEN'
]);

/** Whether an environment variable's name looks like it holds a token, password or key (case-insensitive). */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_ENV_EXACT.has(upper)) {
    return true;
  }
  if (HARMLESS_ENV_NAMES.has(upper) || HARMLESS_ENV_PREFIXES.some(p => upper.startsWith(p))) {
    return false;
  }
  return SECRET_ENV_SUBSTRINGS.some(s => upper.includes(s)) || SECRET_ENV_SUFFIXES.some(s => upper.endsWith(s));
}

export interface EnvironmentFilterOptions {
  /** Extra variable names (globs, case-insensitive, e.g. `MYCOMPANY_*`) to remove. */
  extraDenied?: string[];
  /** Variable names the user opted in; they win over every rule. */
  allowed?: string[];
}

export interface FilteredEnvironment {
  kept: Record<string, string>;
  /** Names of the removed variables (never their values), sorted. */
  removed: string[];
}

function nameMatcher(pattern: string): RegExp {
  const source = pattern
    .trim()
    .toUpperCase()
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp('^' + source + '$');
}

/** Split an environment into what may go in the manifest and the names left out. */
export function filterEnvironment(env: Record<string, string | undefined>, options: EnvironmentFilterOptions = {}): FilteredEnvironment {
  const deny = (options.extraDenied ?? []).filter(p => p.trim() !== '').map(nameMatcher);
  const allow = (options.allowed ?? []).filter(p => p.trim() !== '').map(nameMatcher);
  const kept: Record<string, string> = {};
  const removed: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined) {
      continue;
    }
    const upper = name.toUpperCase();
    const allowed = allow.some(re => re.test(upper));
    if (!allowed && (isSecretEnvName(name) || deny.some(re => re.test(upper)))) {
      removed.push(name);
    } else {
      kept[name] = value;
    }
  }
  return { kept, removed };
}
