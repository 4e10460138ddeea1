// The migration's only new code in the page itself: load mfe-host, show each section's state,
// and let the checkboxes switch a section between its new version and its old markup.
import '/src/index.ts'; // in your app: import 'mfe-host';

for (const host of document.querySelectorAll('mfe-host')) {
  const badge = document.querySelector(`[data-status-for="${host.id}"]`);
  const show = (text, state) => {
    badge.textContent = text;
    badge.className = `migration ${state}`;
  };
  host.addEventListener('mfe-mounted', () => show(host.getAttribute('format') === 'html' ? 'new · HTML entry' : 'new', 'mounted'));
  host.addEventListener('mfe-unmounted', () => show('legacy', ''));
  host.addEventListener('mfe-error', (e) => {
    e.preventDefault(); // shown in the badge instead of the console
    show('legacy · new version failed', 'error');
    badge.title = e.detail.error.message;
  });
}

for (const box of document.querySelectorAll('input.toggle')) {
  const host = document.getElementById(box.dataset.for);
  const src = host.getAttribute('src');
  // Without src the element unmounts and shows its children: the old markup.
  box.addEventListener('change', () => (box.checked ? host.setAttribute('src', src) : host.removeAttribute('src')));
}
