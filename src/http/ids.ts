// Prefixed, time-sortable ids: 10 chars of millisecond time + 16 of randomness, Crockford base32.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'ten' | 'usr' | 'inb' | 'ses' | 'tok' | 'apr' | 'cal' | 'ctc' | 'lbl' | 'evt' | 'tsk' | 'alr' | 'dlv' | 'msg' | 'req' | 'thr' | 'seq' | 'enr' | 'rte' | 'rcp' | 'shr' | 'fil';

export function newId(prefix: IdPrefix, at: number = Date.now()): string {
  let time = '';
  let t = at;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}
