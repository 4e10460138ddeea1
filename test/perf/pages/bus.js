// Row 4: bus throughput in the page, and cross-tab round trips (this page is loaded in two tabs).
import { bus } from '/dist/browser/mfe-host.min.js';

const EMITS = 100_000;
const LISTENERS = 10;
let sink = 0;

export function host() {
  const offs = [];
  for (let i = 0; i < LISTENERS; i++) offs.push(bus.on('bench:x', (detail) => (sink += detail.i & 1)));
  const t0 = performance.now();
  for (let i = 0; i < EMITS; i++) bus.emit('bench:x', { i });
  const t = performance.now() - t0;
  offs.forEach((off) => off());
  return t;
}

export function raw() {
  const fs = [];
  for (let i = 0; i < LISTENERS; i++) {
    const f = (e) => (sink += e.detail.i & 1);
    fs.push(f);
    addEventListener('bench:y', f);
  }
  const t0 = performance.now();
  for (let i = 0; i < EMITS; i++) dispatchEvent(new CustomEvent('bench:y', { detail: { i } }));
  const t = performance.now() - t0;
  fs.forEach((f) => removeEventListener('bench:y', f));
  return t;
}

// Cross-tab: the echo tab answers every ping with a pong, over the bus or a raw channel.
const rawChannel = new BroadcastChannel('bench-raw');
export function echo() {
  bus.on('bench:ping', (d) => bus.emit('bench:pong', d, { crossTab: true }));
  rawChannel.onmessage = (e) => rawChannel.postMessage(e.data);
}

const pingOnce = (viaBus, k) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const timer = setTimeout(() => (off(), resolve(-1)), 1000);
    let off;
    const done = (d) => {
      if (d?.k !== k) return;
      clearTimeout(timer);
      off();
      resolve(performance.now() - t0);
    };
    if (viaBus) {
      off = bus.on('bench:pong', done);
      bus.emit('bench:ping', { k }, { crossTab: true });
    } else {
      const h = (e) => done(e.data);
      rawChannel.addEventListener('message', h);
      off = () => rawChannel.removeEventListener('message', h);
      rawChannel.postMessage({ k });
    }
  });

/** One-way latencies (round trip / 2), `n` sequential pings, bus and raw interleaved. */
export async function pings(n) {
  const out = { bus: [], raw: [] };
  let k = 0;
  for (let i = 0; i < 20; i++) await pingOnce(true, k++), await pingOnce(false, k++); // warm up
  for (let i = 0; i < n; i++) {
    const b = await pingOnce(true, k++);
    const r = await pingOnce(false, k++);
    if (b < 0 || r < 0) throw new Error('cross-tab ping timed out');
    out.bus.push(b / 2);
    out.raw.push(r / 2);
  }
  return out;
}
