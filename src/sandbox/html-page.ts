/** The small HTML pages simulators show to a person: OAuth, link and consent pages. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto}button{font-size:1rem;margin-right:1rem;padding:.5rem 1.5rem}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
