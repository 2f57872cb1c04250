// A process's own peak resident set size, in KiB.
//
// Not getrusage's ru_maxrss (process.resourceUsage().maxRSS, and `/usr/bin/time -f %M`): Linux keeps
// the peak of the address space a process had before execve, and a spawned child starts as a copy of
// its parent, so a child's ru_maxrss is at least its parent's RSS at the time of the spawn (measured:
// a bare Node child of a 345 MB parent reports 304 MB). The benchmark's parent holds the local
// server and has just written the workspaces, so that figure was the parent's, not the action's.
// VmHWM in /proc/self/status is the peak of the current address space only.
import { readFileSync } from 'node:fs';

export function peakRssKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}
