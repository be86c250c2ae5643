import { describe, expect, it } from 'vitest';
import { OutputCollector } from './outputs';

describe('OutputCollector', () => {
  it('joins consecutive stream text of the same name only', () => {
    const c = new OutputCollector();
    c.add({ msg_type: 'stream', content: { name: 'stdout', text: 'a\n' } });
    c.add({ msg_type: 'stream', content: { name: 'stdout', text: 'b\n' } });
    c.add({ msg_type: 'stream', content: { name: 'stderr', text: 'e\n' } });
    c.add({ msg_type: 'stream', content: { name: 'stdout', text: 'c\n' } });
    expect(c.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'e\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' }
    ]);
  });

  it('keeps results, displays and errors in nbformat shape', () => {
    const c = new OutputCollector();
    c.add({ msg_type: 'execute_result', content: { data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 } });
    c.add({ msg_type: 'display_data', content: { data: { 'image/png': 'AA==' }, metadata: { a: 1 } } });
    c.add({ msg_type: 'error', content: { ename: 'ValueError', evalue: 'bad', traceback: ['t'] } });
    c.add({ msg_type: 'status', content: { execution_state: 'idle' } });
    expect(c.outputs).toEqual([
      { output_type: 'execute_result', data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 },
      { output_type: 'display_data', data: { 'image/png': 'AA==' }, metadata: { a: 1 } },
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['t'] }
    ]);
  });

  it('clears now, or at the next output when asked to wait', () => {
    const c = new OutputCollector();
    c.add({ msg_type: 'stream', content: { name: 'stdout', text: '1' } });
    c.add({ msg_type: 'clear_output', content: { wait: true } });
    expect(c.outputs).toHaveLength(1);
    c.add({ msg_type: 'stream', content: { name: 'stdout', text: '2' } });
    expect(c.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '2' }]);
    c.add({ msg_type: 'clear_output', content: { wait: false } });
    expect(c.outputs).toEqual([]);
  });

  it('updates a display in place by its display id', () => {
    const c = new OutputCollector();
    c.add({ msg_type: 'display_data', content: { data: { 'text/plain': 'old' }, metadata: {}, transient: { display_id: 'd' } } });
    c.add({ msg_type: 'update_display_data', content: { data: { 'text/plain': 'new' }, metadata: {}, transient: { display_id: 'd' } } });
    expect(c.outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': 'new' }, metadata: {} }]);
  });
});
