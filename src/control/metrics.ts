import { LAG_BUCKETS_MS, type ReplicationStatus } from '../replication/index.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** Set on histogram series: `_bucket` (with `le`), `_sum` or `_count`. */
  suffix?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
}

/** One region's replication metrics, as families that a fabric merges across regions. */
export function replicationFamilies(s: ReplicationStatus): MetricFamily[] {
  const lag: Sample[] = [];
  const applied: Sample[] = [];
  const conflicts: Sample[] = [];
  const discarded: Sample[] = [];
  for (const i of s.incoming) {
    const labels = { from: i.from, to: s.region };
    LAG_BUCKETS_MS.forEach((le, n) => lag.push({ labels: { ...labels, le: String(le) }, value: i.lagBuckets[n] ?? 0, suffix: '_bucket' }));
    lag.push({ labels: { ...labels, le: '+Inf' }, value: i.lagSamples, suffix: '_bucket' });
    lag.push({ labels, value: i.lagSumMs, suffix: '_sum' });
    lag.push({ labels, value: i.lagSamples, suffix: '_count' });
    applied.push({ labels, value: i.counters.applied });
    conflicts.push({ labels, value: i.counters.superseded });
    discarded.push({ labels, value: i.counters.discarded });
  }
  return [
    { name: 'fabric_emu_replication_lag_ms', help: 'Apply time minus commit time of replicated changes, per link', type: 'histogram', samples: lag },
    {
      name: 'fabric_emu_replication_queue_depth',
      help: 'Changes of the origin region not yet acknowledged by the peer',
      type: 'gauge',
      samples: s.outgoing.map((o) => ({ labels: { from: s.region, to: o.to }, value: o.queueDepth })),
    },
    { name: 'fabric_emu_replication_applied_total', help: 'Replicated changes applied', type: 'counter', samples: applied },
    { name: 'fabric_emu_replication_conflicts_resolved_total', help: 'Replicated changes that lost, wholly or partly, to a newer write (last-writer-wins)', type: 'counter', samples: conflicts },
    { name: 'fabric_emu_replication_discarded_total', help: 'Replicated changes discarded: older than a drop or truncate, or aimed at a local collection', type: 'counter', samples: discarded },
  ];
}

function labelText(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Prometheus text exposition; families of the same name from several regions are merged. */
export function renderPrometheus(families: MetricFamily[]): string {
  const merged = new Map<string, MetricFamily>();
  for (const f of families) {
    const m = merged.get(f.name);
    if (m) m.samples.push(...f.samples);
    else merged.set(f.name, { ...f, samples: [...f.samples] });
  }
  const lines: string[] = [];
  for (const f of merged.values()) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${s.suffix ?? ''}${labelText(s.labels)} ${s.value}`);
  }
  return lines.join('\n') + '\n';
}
