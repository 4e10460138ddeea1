// An MFE with listeners, timers and bus subscriptions, cleaned up at unmount (memory row).
export function mount(ctx) {
  const big = new Array(1000).fill(ctx.name); // something worth leaking
  ctx.host.innerHTML = '<p>busy</p><button>b</button>';
  const onClick = () => big.length;
  ctx.host.querySelector('button').addEventListener('click', onClick);
  addEventListener('resize', onClick, { signal: ctx.signal });
  document.addEventListener('visibilitychange', onClick, { signal: ctx.signal });
  ctx.bus.on('bench:tick', () => big.length);
  const iv = setInterval(() => big.length, 60_000);
  const to = setTimeout(() => big.length, 60_000);
  ctx.signal.addEventListener('abort', () => (clearInterval(iv), clearTimeout(to)));
}
export function unmount(ctx) {
  ctx.host.replaceChildren();
}
