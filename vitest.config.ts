import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One Jupyter server at a time on a 2-core machine (unit files take milliseconds).
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'server/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Real Jupyter servers and kernels under strace: slow to start, bounded here.
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      }
    ]
  }
});
