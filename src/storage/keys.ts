import { randomUUID } from 'node:crypto';
import { generatedKey } from '../core/ids.js';
import type { Hlc } from '../core/hlc.js';
import type { Collection, CollectionStore } from './collections.js';

/**
 * Key generators of GDN's keyOptions. "traditional" keys come from the HLC and the region ordinal
 * so two regions never generate the same key; "autoincrement" counts per region (as on a
 * single-server ArangoDB) and so is only unique within one region, which docs/compatibility.md says.
 */
export function nextKey(c: Collection, hlc: Hlc, regionOrdinal: number, store: CollectionStore): string {
  const ko = c.props.keyOptions;
  switch (ko.type) {
    case 'autoincrement': {
      const value = ko.lastValue === 0 ? Math.max(ko.offset, 1) : ko.lastValue + ko.increment;
      store.saveKeyCounter(c, value);
      return String(value);
    }
    case 'padded':
      // Fixed-width hex so that string order is creation order, as ArangoDB's padded keys are.
      return (
        hlc.physical.toString(16).padStart(12, '0') +
        hlc.logical.toString(16).padStart(4, '0') +
        regionOrdinal.toString(16).padStart(3, '0')
      );
    case 'uuid':
      return randomUUID();
    default:
      return generatedKey(hlc, regionOrdinal);
  }
}
